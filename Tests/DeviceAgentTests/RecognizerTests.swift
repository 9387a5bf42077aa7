import DeviceAgent
import FaceEngine
import Foundation
import TestSupport
import Testing

/// The recognition loop on a real clip: enrolled people and a stranger walk
/// past one after another (photos other than their enrolment ones).
@Suite("Recognition on a clip")
struct RecognizerTests {
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
        let recognizer = Recognizer(engine: engine, rule: .standard)
        await recognizer.enroll(index)

        let path = try await Clips.make(of: ["barack_obama/2.jpg", "chris_pratt/1.jpg", "joe_biden/2.jpg", "john_salley/2.jpg"])
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
