import FaceEngine

/// What recognition did with each face it followed: when it was first seen,
/// which frames described it, when and as whom it was decided. The device's
/// `--report` writes it; the benchmark and a person tuning a door read it.
public struct RecognitionTimeline: Sendable, Codable {
    public struct Track: Sendable, Codable, Equatable {
        public let id: Int
        public let firstFrame: Int
        public internal(set) var lastFrame: Int
        public let firstBox: FaceBox
        public internal(set) var describedFrames: [Int] = []
        /// Every time the face was decided: once, unless a cut, a jump or a recheck found someone else there.
        public internal(set) var decisions: [Decision] = []

        /// The frame it was first decided in.
        public var decidedFrame: Int? { decisions.first?.frame }
        /// Who it was last decided to be: a student's id, or "unknown".
        public var who: String? { decisions.last?.who }
    }

    public struct Decision: Sendable, Codable, Equatable {
        public let frame: Int
        /// A student's id, "unknown", or "unsure" (near two students: nobody marked).
        public let who: String
        /// Distance to the nearest enrolled photo (nil with nobody enrolled).
        public let distance: Double?
    }

    /// Frames recognition was given.
    public internal(set) var frames = 0
    /// Descriptions made, by why they were due (`FaceTracker.DescriptionReason`).
    public private(set) var descriptions: [String: Int] = [:]
    /// Tracks no longer kept: a device runs for months, and only the latest `capacity` are.
    public private(set) var forgotten = 0
    private var byId: [Int: Track] = [:]
    static let capacity = 5_000

    public var tracks: [Track] { byId.values.sorted { $0.id < $1.id } }

    mutating func saw(_ ids: [Int], boxes: [FaceBox], frame: Int) {
        for (id, box) in zip(ids, boxes) {
            if byId[id] == nil { byId[id] = Track(id: id, firstFrame: frame, lastFrame: frame, firstBox: box) }
            byId[id]?.lastFrame = frame
        }
        if byId.count > Self.capacity {
            let oldest = byId.keys.sorted().prefix(byId.count - Self.capacity * 9 / 10)
            for id in oldest { byId[id] = nil }
            forgotten += oldest.count
        }
    }

    mutating func described(_ id: Int, frame: Int, because reason: FaceTracker.DescriptionReason) {
        byId[id]?.describedFrames.append(frame)
        descriptions[reason.rawValue, default: 0] += 1
    }

    mutating func decided(_ id: Int, as who: FaceTracker.Candidate, distance: Double?, frame: Int) {
        byId[id]?.decisions.append(Decision(frame: frame, who: who.reportName, distance: distance))
    }

    enum CodingKeys: String, CodingKey { case frames, forgotten, descriptions, tracks }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        frames = try container.decode(Int.self, forKey: .frames)
        forgotten = try container.decodeIfPresent(Int.self, forKey: .forgotten) ?? 0
        descriptions = try container.decodeIfPresent([String: Int].self, forKey: .descriptions) ?? [:]
        byId = Dictionary(uniqueKeysWithValues: try container.decode([Track].self, forKey: .tracks).map { ($0.id, $0) })
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(frames, forKey: .frames)
        try container.encode(forgotten, forKey: .forgotten)
        try container.encode(descriptions, forKey: .descriptions)
        try container.encode(tracks, forKey: .tracks)
    }
}
