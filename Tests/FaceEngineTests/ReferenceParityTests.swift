import FaceEngine
import Foundation
import TestSupport
import Testing

@Suite("Parity with Python face_recognition on ../shared/faces")
struct ReferenceParityTests {
    static let photos = ReferenceDescriptors.shared.images.keys.sorted()

    @Test("same pixels, boxes, landmarks and descriptors", arguments: photos)
    func photoMatchesReference(_ photo: String) async throws {
        let expected = try #require(ReferenceDescriptors.shared.images[photo])
        let image = try Fixtures.image(photo)
        #expect(image.width == expected.width && image.height == expected.height)
        #expect(sha1Hex(image.pixels) == expected.rgb_sha1, "decoded pixels differ from PIL's")

        let faces = try await Fixtures.engine.faces(in: image)
        try #require(faces.count == expected.faces.count, "\(photo): \(faces.count) faces, reference has \(expected.faces.count)")
        for (face, reference) in zip(faces, expected.faces) {
            #expect([face.box.top, face.box.right, face.box.bottom, face.box.left] == reference.box)
            #expect(abs(face.score - reference.hog_score) < 1e-6)
            #expect(face.landmarks.points.map { [$0.x, $0.y] } == reference.landmarks5)
            let difference = zip(face.descriptor.values, reference.descriptor).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(difference <= 1e-4, "\(photo) face \(face.box): descriptor differs by \(difference)")
        }
    }
}

/// The identification decisions of reference_identify.json at tolerances 0.5 and 0.6.
@Suite("Identification decisions as face_recognition makes them")
struct ReferenceIdentifyTests {
    struct Reference: Decodable {
        struct Probe: Decodable {
            let photo: String
            let truth: String?
            let n_faces: Int
            let best: String?
            let distance: Double?
        }

        struct Summary: Decodable {
            let gallery: [String: String]
            let extras: Extras
        }

        /// Every face of the group photos against the gallery, and photos without faces.
        struct Extras: Decodable {
            struct Group: Decodable {
                struct GroupFace: Decodable {
                    let box: [Int]
                    let best: String
                    let distance: Double
                    let match: String?

                    enum CodingKeys: String, CodingKey {
                        case box, best, distance
                        case match = "match@0.5"
                    }
                }

                let n_faces: Int
                let faces: [GroupFace]
            }

            struct NonFace: Decodable {
                let n_faces: Int
            }

            let groups: [String: Group]
            let nonfaces: [String: NonFace]
        }

        let summary: Summary
        let probes: [Probe]
    }

    static let reference: Reference = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: Fixtures.face("reference_identify.json")))
        return try! JSONDecoder().decode(Reference.self, from: data)
    }()

    /// The gallery built from the descriptors we compute for each enrolment photo.
    static func gallery() async throws -> FaceIndex<String> {
        var index = FaceIndex<String>()
        for (name, photo) in reference.summary.gallery.sorted(by: { $0.key < $1.key }) {
            let faces = try await Fixtures.engine.faces(in: Fixtures.image(photo))
            index.add(try #require(faces.first).descriptor, label: name)
        }
        return index
    }

    @Test func everyProbeGetsTheReferenceDecision() async throws {
        let gallery = try await Self.gallery()
        var accepted: [Double: Int] = [0.5: 0, 0.6: 0]
        for probe in Self.reference.probes {
            let faces = try await Fixtures.engine.faces(in: Fixtures.image(probe.photo))
            #expect(faces.count == probe.n_faces, "\(probe.photo)")
            // With several faces, the probe is the largest one (the person the photo is of).
            let face = try #require(faces.max { $0.box.area < $1.box.area })
            let nearest = try #require(gallery.nearest(to: face.descriptor))
            #expect(nearest.label == probe.best, "\(probe.photo): nearest \(nearest.label), reference \(probe.best ?? "-")")
            let referenceDistance = try #require(probe.distance)
            #expect(abs(nearest.distance - referenceDistance) < 1e-4, "\(probe.photo)")
            for tolerance in [0.5, 0.6] {
                let ours = gallery.identify(face.descriptor, tolerance: tolerance)?.label
                let theirs = referenceDistance <= tolerance ? probe.best : nil
                #expect(ours == theirs, "\(probe.photo) at \(tolerance): \(ours ?? "unknown") vs \(theirs ?? "unknown")")
                if ours != nil && ours == probe.truth { accepted[tolerance, default: 0] += 1 }
            }
        }
        // The reference summary: 25 of 26 genuine probes accepted at 0.5, all 26 at 0.6, no stranger.
        #expect(accepted[0.5] == 25)
        #expect(accepted[0.6] == 26)
    }

    @Test func everyFaceOfTheGroupPhotosGetsTheReferenceDecision() async throws {
        let gallery = try await Self.gallery()
        for (photo, group) in Self.reference.summary.extras.groups.sorted(by: { $0.key < $1.key }) {
            let faces = try await Fixtures.engine.faces(in: Fixtures.image(photo))
            try #require(faces.count == group.n_faces, "\(photo)")
            for reference in group.faces {
                let face = try #require(faces.first { [$0.box.top, $0.box.right, $0.box.bottom, $0.box.left] == reference.box },
                                        "\(photo): no face at \(reference.box)")
                let nearest = try #require(gallery.nearest(to: face.descriptor))
                #expect(nearest.label == reference.best && abs(nearest.distance - reference.distance) < 1e-4,
                        "\(photo) \(reference.box): \(nearest.label) at \(nearest.distance), reference \(reference.best) at \(reference.distance)")
                #expect(gallery.identify(face.descriptor, tolerance: 0.5)?.label == reference.match, "\(photo) \(reference.box)")
            }
        }
        for (photo, reference) in Self.reference.summary.extras.nonfaces {
            #expect(try await Fixtures.engine.faces(in: Fixtures.image(photo)).count == reference.n_faces, "\(photo)")
        }
    }
}
