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
}
