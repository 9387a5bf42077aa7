import DeviceAgent
import FaceEngine
import Foundation
import Testing

/// What `streaktrack run --report` writes: the timeline and the totals, as JSON a person can diff.
@Suite("Recognition report")
struct RecognitionReportTests {
    @Test func framesDroppedAreDeliveredLessDecodedAndTheJSONReadsBack() throws {
        var frames = RecognitionReport.Frames()
        frames.delivered = 360
        frames.decoded = 350
        frames.lookedAt = 120
        let report = RecognitionReport(frames: frames, stages: [.detection: 1.23456, .description: 0.5], processCPUSeconds: 2.0004,
                                       wallSeconds: 24.0, timeline: RecognitionTimeline())
        let data = try report.json()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let counted = try #require(object["frames"] as? [String: Int])
        #expect(counted == ["delivered": 360, "decoded": 350, "lookedAt": 120, "dropped": 10])
        #expect(object["cpuSecondsByStage"] as? [String: Double] == ["detection": 1.235, "landmarks+descriptors": 0.5])
        #expect(object["processCPUSeconds"] as? Double == 2.0)
        let timeline = try #require(object["timeline"] as? [String: Any])
        #expect(timeline["frames"] as? Int == 0 && (timeline["tracks"] as? [Any])?.isEmpty == true)
        let again = try JSONDecoder().decode(RecognitionReport.self, from: data)
        #expect(again.frames == frames && again.frames.dropped == 10)
    }
}
