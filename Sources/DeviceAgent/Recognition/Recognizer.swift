import FaceEngine

/// Turns camera frames into decisions about faces: detect every face, follow
/// each across frames, describe only faces not yet decided (or due for a
/// recheck), match against every enrolled photo, and report a face once
/// successive descriptions agree.
public actor Recognizer {
    public struct Decision: Sendable, Equatable {
        public let track: Int
        public let who: FaceTracker.Candidate
        public let box: FaceBox
        /// Distance to the nearest enrolled photo (nil with nobody enrolled).
        public let distance: Double?

        public init(track: Int, who: FaceTracker.Candidate, box: FaceBox, distance: Double?) {
            self.track = track
            self.who = who
            self.box = box
            self.distance = distance
        }
    }

    public struct FrameReport: Sendable {
        public let faces: [FaceBox]
        public let described: Int
        public let decisions: [Decision]
        /// True when a face not yet decided is in view ("Please Wait...").
        public let undecidedInView: Bool
    }

    private let engine: FaceEngine
    private let detector: FaceDetector
    private let tolerance: Double
    private var tracker: FaceTracker
    private var index = FaceIndex<String>()

    public init(engine: FaceEngine, tolerance: Double, detector: FaceDetector = .standard,
                tracking: FaceTracker.Settings = FaceTracker.Settings()) {
        self.engine = engine
        self.tolerance = tolerance
        self.detector = detector
        tracker = FaceTracker(settings: tracking)
    }

    /// Replaces the enrolled descriptors (after a roster sync).
    public func enroll(_ index: FaceIndex<String>) {
        self.index = index
    }

    public func process(_ image: RGBImage) async throws -> FrameReport {
        let detector = detector
        let found = try await engine.withWorker { try $0.detect(image, with: detector) }
        let boxes = found.map { $0.box(inImageOfWidth: image.width, height: image.height) }
        let ids = tracker.advance(boxes, looks: boxes.map { FaceLook.of($0, in: image) })
        let due = ids.indices.filter { tracker.needsDescription(ids[$0]) }
        let faces = due.isEmpty ? [] : try await engine.withWorker { worker in
            try worker.describe(image, at: due.map { boxes[$0] })
        }
        var decisions: [Decision] = []
        for (position, face) in zip(due, faces) {
            let nearest = index.nearest(to: face.descriptor)
            let candidate: FaceTracker.Candidate = if let nearest, nearest.distance <= tolerance { .student(nearest.label) } else { .unknown }
            if let decided = tracker.observe(ids[position], candidate) {
                decisions.append(Decision(track: ids[position], who: decided, box: boxes[position], distance: nearest?.distance))
            }
        }
        let undecided = ids.contains { id in tracker.tracks.first { $0.id == id }?.decided == nil }
        return FrameReport(faces: boxes, described: faces.count, decisions: decisions, undecidedInView: undecided)
    }
}
