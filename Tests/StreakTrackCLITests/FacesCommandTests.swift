import FaceEngine
import Foundation
import TestSupport
import Testing

/// The `streaktrack faces` commands, run as a user runs them.
@Suite("streaktrack faces")
struct FacesCommandTests {
    func streaktrack(_ arguments: String...) async throws -> ProcessOutput {
        try await runProcess(Fixtures.executable("streaktrack"), arguments)
    }

    /// A folder of known people made of links to the shared photos.
    func knownPeople(_ people: [String: [String]]) throws -> String {
        let directory = try Fixtures.scratchDirectory()
        for (name, photos) in people {
            if photos.count == 1 {
                try FileManager.default.createSymbolicLink(atPath: "\(directory)/\(name).jpg", withDestinationPath: Fixtures.face(photos[0]))
            } else {
                try FileManager.default.createDirectory(atPath: "\(directory)/\(name)", withIntermediateDirectories: true)
                for (i, photo) in photos.enumerated() {
                    try FileManager.default.createSymbolicLink(atPath: "\(directory)/\(name)/\(i).jpg", withDestinationPath: Fixtures.face(photo))
                }
            }
        }
        return directory
    }

    @Test func detectPrintsFaceDetectionFormatAndReportsBadFiles() async throws {
        let bad = try Fixtures.scratchDirectory() + "/broken.jpg"
        try Data("not a jpeg".utf8).write(to: URL(fileURLWithPath: bad))
        let group = Fixtures.face("_groups/obama_biden_blue_room.jpg")
        let result = try await streaktrack("faces", "detect", Fixtures.face("barack_obama"), group, bad, "/no/such.jpg")
        #expect(result.status == 1, "a failed input makes the exit status non-zero")
        #expect(result.lines == [
            "\(Fixtures.face("barack_obama"))/1.jpg,142,563,365,340",
            "\(Fixtures.face("barack_obama"))/2.jpg,266,365,489,142",
            "\(Fixtures.face("barack_obama"))/3.jpg,140,402,247,294",
            "\(Fixtures.face("barack_obama"))/4.jpg,142,646,409,379",
            "\(group),64,872,219,717",
            "\(group),47,373,202,218",
        ])
        #expect(result.stderr.contains("\(bad): not a JPEG or PNG image"))
        #expect(result.stderr.contains("/no/such.jpg: no such file or folder"))
    }

    @Test func identifyPrintsFaceRecognitionFormat() async throws {
        let known = try knownPeople(["obama": ["barack_obama/1.jpg"], "biden": ["joe_biden/1.jpg", "joe_biden/2.jpg"]])
        let group = Fixtures.face("_groups/obama_biden_blue_room.jpg")
        let stranger = Fixtures.face("chris_pratt/1.jpg")
        let cat = Fixtures.face("_nonfaces/cat.jpg")
        let result = try await streaktrack("faces", "identify", known, group, stranger, cat)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines == ["\(group),biden", "\(group),obama", "\(stranger),unknown_person", "\(cat),no_persons_found"])

        let distances = try await streaktrack("faces", "identify", "--show-distance", "true", known, Fixtures.face("barack_obama/2.jpg"), cat)
        let fields = try #require(distances.lines.first).split(separator: ",")
        #expect(fields.count == 3 && fields[1] == "obama")
        #expect(abs((Double(fields[2]) ?? 0) - 0.35993031274753146) < 1e-4, "the reference distance")
        #expect(distances.lines.last == "\(cat),no_persons_found,None")

        let strict = try await streaktrack("faces", "identify", "--tolerance", "0.3", known, Fixtures.face("barack_obama/2.jpg"))
        #expect(strict.lines == ["\(Fixtures.face("barack_obama/2.jpg")),unknown_person"])
    }

    @Test func evaluateReportsOutcomesHistogramAndProjections() async throws {
        let gallery = try knownPeople(["obama": ["barack_obama/1.jpg"], "biden": ["joe_biden/1.jpg", "joe_biden/1.jpg"]])
        let probes = try knownPeople(["obama": ["barack_obama/2.jpg", "barack_obama/3.jpg"], "pratt": ["chris_pratt/1.jpg", "_nonfaces/cat.jpg"]])
        let svg = try Fixtures.scratchDirectory() + "/histogram.svg"
        let result = try await streaktrack("faces", "evaluate", gallery, probes, "--tolerances", "0.3,0.5", "--margins", "0,0.25", "--svg", svg)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.contains("enrolled: 2 people, 3 photos; probes: 2 of enrolled people, 1 of 1 strangers"))
        #expect(result.lines.contains { $0.hasPrefix("skipped ") && $0.hasSuffix("pratt/1.jpg: no face") }, "the cat has no face")
        // Obama's probes are 0.36 and 0.33 from his enrolment photo: both named at 0.5, neither at 0.3.
        let rows = result.lines.filter { $0.hasPrefix("     0.") && $0.contains("%") && !$0.contains(" / ") }
        #expect(rows.count == 4)
        #expect(rows.contains { $0.hasPrefix("     0.50    0.25") && $0.contains("2/2 100%") && $0.hasSuffix("0/1 0%") })
        #expect(rows.contains { $0.hasPrefix("     0.30    0.00") && $0.contains("0/2 0%") })
        #expect(result.lines.contains { $0.hasPrefix("0.35-0.40") && $0.contains("S") }, "the histogram has Obama's 2.jpg at 0.36")
        #expect(result.lines.contains { $0.contains("N = 1000") })
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))

        let wrong = try await streaktrack("faces", "evaluate", gallery, probes, "--tolerances", "half")
        #expect(wrong.status != 0 && wrong.stderr.contains("--tolerances takes numbers separated by commas"))
    }

    /// face_recognition's command line shrinks a photo over 1600 px with Pillow's
    /// thumbnail before identifying; so do we (the distances show which pixels were used).
    /// Compared to four places: the command may run on a faster OpenBLAS kernel than this
    /// test process (`BLASKernel`), which moves the sixth.
    @Test func identifyShrinksLargePhotosAsFaceRecognitionDoes() async throws {
        let known = try knownPeople(["obama": ["barack_obama/1.jpg"], "biden": ["joe_biden/1.jpg"]])
        let path = try Fixtures.scratchDirectory() + "/large.jpg"
        let large = try Fixtures.image("_groups/obama_biden_blue_room.jpg").resized(width: 3311, height: 2207)
        try Data(large.jpegData(quality: 95)).write(to: URL(fileURLWithPath: path))
        let decoded = try RGBImage(contentsOfFile: path)
        var gallery = FaceIndex<String>()
        for (name, photo) in [("obama", "barack_obama/1.jpg"), ("biden", "joe_biden/1.jpg")] {
            gallery.add(try #require(try await Fixtures.engine.faces(in: Fixtures.image(photo)).first).descriptor, label: name)
        }
        func distances(_ faces: [Face]) -> [String] {
            faces.compactMap { gallery.nearest(to: $0.descriptor) }.map { "\($0.label) \(($0.distance * 1e4).rounded())" }
        }
        let shrunk = distances(try await Fixtures.engine.faces(in: decoded.pillowThumbnail(fittingIn: 1600)))
        let unshrunk = distances(try await Fixtures.engine.faces(in: decoded))
        try #require(shrunk.count == 2 && shrunk != unshrunk)

        let result = try await streaktrack("faces", "identify", "--show-distance", "true", known, path)
        #expect(result.status == 0, "\(result.stderr)")
        let printed = result.lines.map { line in
            let fields = line.split(separator: ",")
            return "\(fields[1]) \(((Double(fields[2]) ?? 0) * 1e4).rounded())"
        }
        #expect(printed == shrunk, "the distances of the shrunk photo (\(shrunk)), not of the large one (\(unshrunk))")
    }

    @Test func identifyWarnsAboutKnownPhotosWithoutOneFace() async throws {
        let known = try knownPeople(["cat": ["_nonfaces/cat.jpg"], "crowd": ["_groups/voc_2008_001322.jpg"]])
        let result = try await streaktrack("faces", "identify", known, Fixtures.face("barack_obama/1.jpg"))
        #expect(result.stderr.contains("No faces found in \(known)/cat.jpg. Ignoring file."))
        #expect(result.stderr.contains("More than one face found in \(known)/crowd.jpg. Only considering the first face."))
        #expect(result.lines == ["\(Fixtures.face("barack_obama/1.jpg")),unknown_person"])
    }

    @Test func encodeJSONMatchesTheReference() async throws {
        struct Photo: Decodable {
            struct Face: Decodable {
                let box: [Int]
                let landmarks: [[Int]]
                let descriptor: [Double]
            }

            let path: String
            let width: Int
            let height: Int
            let faces: [Face]
        }
        let result = try await streaktrack("faces", "encode", "--json", Fixtures.face("paul_rudd/1.jpg"), Fixtures.face("_groups/voc_2009_004587.jpg"))
        #expect(result.status == 0)
        let photos = try result.lines.map { try JSONDecoder().decode(Photo.self, from: Data($0.utf8)) }
        #expect(photos.count == 2)
        for photo in photos {
            let key = String(photo.path.dropFirst(Fixtures.sharedFaces.count + 1))
            let reference = try #require(ReferenceDescriptors.shared.images[key])
            #expect(photo.width == reference.width && photo.height == reference.height)
            #expect(photo.faces.map(\.box) == reference.faces.map(\.box))
            #expect(photo.faces.map(\.landmarks) == reference.faces.map(\.landmarks5))
            for (face, expected) in zip(photo.faces, reference.faces) {
                #expect(zip(face.descriptor, expected.descriptor).allSatisfy { abs($0 - $1) <= 1e-4 })
            }
        }
    }

    @Test func badArgumentsAndMissingModels() async throws {
        let upsample = try await streaktrack("faces", "detect", "--upsample", "5", Fixtures.face("barack_obama/1.jpg"))
        #expect(upsample.status != 0)
        #expect(upsample.stderr.contains("--upsample must be 0, 1 or 2"))
        let models = try await streaktrack("faces", "detect", "--models", "/nonexistent/models", Fixtures.face("barack_obama/1.jpg"))
        #expect(models.status != 0)
        #expect(models.stderr.contains("face model files missing in /nonexistent/models"))
        #expect(models.stderr.contains("scripts/setup"))
    }
}
