import DeviceAgent
import FaceEngine
import Foundation
import TestSupport
import Testing

/// The recognition loop on a real clip: enrolled people and a stranger walk
/// past one after another (photos other than their enrolment ones).
@Suite("Recognition on a clip")
struct RecognizerTests {
    /// One second of each photo at 5 frames per second, fitted into 640x480.
    func clip(of photos: [String]) async throws -> String {
        let ffmpeg = try #require(which("ffmpeg"))
        let directory = try Fixtures.scratchDirectory()
        var arguments = ["-v", "error", "-y"]
        for photo in photos { arguments += ["-loop", "1", "-t", "1", "-i", Fixtures.face(photo)] }
        let scaled = photos.indices.map {
            "[\($0):v]scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=5[v\($0)]"
        }
        let filter = scaled.joined(separator: ";") + ";" + photos.indices.map { "[v\($0)]" }.joined() + "concat=n=\(photos.count):v=1:a=0[out]"
        arguments += ["-filter_complex", filter, "-map", "[out]", "-pix_fmt", "yuv420p", directory + "/clip.mp4"]
        let made = try await runProcess(ffmpeg, arguments)
        try #require(made.status == 0, "\(made.stderr)")
        return directory + "/clip.mp4"
    }

    @Test func everyoneEnrolledIsRecognisedOnceAndTheStrangerIsNot() async throws {
        let engine = await Fixtures.engine
        var index = FaceIndex<String>()
        // Enrolled as a roster enrols them: every photo but the one in the clip.
        for (person, photos) in [("barack_obama", [1, 3]), ("joe_biden", [1]), ("john_salley", [1, 3])] {
            for photo in photos {
                let face = try #require(try await engine.faces(in: RGBImage(contentsOfFile: Fixtures.face("\(person)/\(photo).jpg"))).first)
                index.add(face.descriptor, label: person)
            }
        }
        let recognizer = Recognizer(engine: engine, tolerance: 0.5)
        await recognizer.enroll(index)

        let path = try await clip(of: ["barack_obama/2.jpg", "chris_pratt/1.jpg", "joe_biden/2.jpg", "john_salley/2.jpg"])
        let feed = try CameraFeed(try CameraSource.parse(path, realTime: false), realTime: false)
        var decisions: [Recognizer.Decision] = []
        var frames = 0, described = 0
        let start = ContinuousClock.now
        for await frame in feed.frames {
            let report = try await recognizer.process(try RGBImage(decoding: frame.encoded))
            decisions += report.decisions
            described += report.described
            frames += 1
            feed.taken()
        }
        let elapsed = ContinuousClock.now - start
        print("recognition: \(frames) frames in \(elapsed), \(described) descriptions")
        #expect(frames == 20)
        let students = decisions.compactMap { if case .student(let id) = $0.who { id } else { nil } }
        #expect(students == ["barack_obama", "joe_biden", "john_salley"], "each enrolled person once, in order of appearance")
        #expect(decisions.contains { $0.who == .unknown }, "the stranger is decided unknown")
        #expect(described < frames + 4, "decided faces are not described on every frame")
    }
}
