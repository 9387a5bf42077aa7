import Foundation

/// What `streaktrack run --report FILE` writes when it stops: what recognition
/// did with each face (the timeline) and what it cost (frames, CPU by stage).
public struct RecognitionReport: Sendable, Codable {
    public struct Frames: Sendable, Codable, Equatable {
        /// Frames the camera delivered (a live camera's frames recognition was too busy for included).
        public var delivered = 0
        /// Frames recognition took: each one decoded at 1/8 for the motion check at least.
        public var decoded = 0
        /// Frames in which faces were looked for somewhere.
        public var lookedAt = 0
        /// Frames a live camera replaced before recognition was free for them.
        public var dropped: Int { max(0, delivered - decoded) }

        enum CodingKeys: String, CodingKey { case delivered, decoded, lookedAt, dropped }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            delivered = try container.decode(Int.self, forKey: .delivered)
            decoded = try container.decode(Int.self, forKey: .decoded)
            lookedAt = try container.decode(Int.self, forKey: .lookedAt)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(delivered, forKey: .delivered)
            try container.encode(decoded, forKey: .decoded)
            try container.encode(lookedAt, forKey: .lookedAt)
            try container.encode(dropped, forKey: .dropped)
        }
    }

    public var frames: Frames
    /// CPU-seconds by stage, measured on the thread doing each (`CLOCK_THREAD_CPUTIME_ID`).
    public var cpuSecondsByStage: [String: Double]
    /// CPU-seconds of the whole process from start to stop (`getrusage`): the link, the store and the rest included.
    public var processCPUSeconds: Double
    public var wallSeconds: Double
    public var timeline: RecognitionTimeline

    public init(frames: Frames, stages: [StageClock.Stage: Double], processCPUSeconds: Double, wallSeconds: Double,
                timeline: RecognitionTimeline) {
        self.frames = frames
        cpuSecondsByStage = Dictionary(uniqueKeysWithValues: stages.map { ($0.key.rawValue, ($0.value * 1000).rounded() / 1000) })
        self.processCPUSeconds = (processCPUSeconds * 1000).rounded() / 1000
        self.wallSeconds = (wallSeconds * 1000).rounded() / 1000
        self.timeline = timeline
    }

    /// Pretty-printed JSON, keys sorted, so two runs can be compared with `diff`.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}
