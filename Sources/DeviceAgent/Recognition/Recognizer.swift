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
        /// Whether the whole frame was searched (else only around followed faces, or nowhere).
        public let wholeFrame: Bool
        public let tracks: [FaceInView]
    }

    /// A followed face: where it is and who it was decided to be (nil: not yet).
    public struct FaceInView: Sendable, Equatable {
        public let box: FaceBox
        public let who: FaceTracker.Candidate?

        public init(box: FaceBox, who: FaceTracker.Candidate?) {
            self.box = box
            self.who = who
        }
    }

    private let engine: FaceEngine
    private let detector: FaceDetector
    private let tolerance: Double
    private var tracker: FaceTracker
    private var planner: ScanPlanner?
    private var index = FaceIndex<String>()

    /// `scanning` nil searches every whole frame (as the original device did).
    public init(engine: FaceEngine, tolerance: Double, detector: FaceDetector = .standard,
                tracking: FaceTracker.Settings = FaceTracker.Settings(), scanning: ScanPlanner.Settings? = ScanPlanner.Settings()) {
        self.engine = engine
        self.tolerance = tolerance
        self.detector = detector
        tracker = FaceTracker(settings: tracking)
        // Regions are searched with HOG; the CNN detector always gets the whole frame.
        if case .hog = detector { planner = scanning.map { ScanPlanner(settings: $0) } }
    }

    /// Replaces the enrolled descriptors (after a roster sync).
    public func enroll(_ index: FaceIndex<String>) {
        self.index = index
    }

    public func process(_ image: RGBImage) async throws -> FrameReport {
        let (boxes, wholeFrame) = try await findFaces(in: image)
        let ids = tracker.advance(boxes) { FaceLook.of($0, in: image) }
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
        let tracks = ids.compactMap { id in tracker.tracks.first { $0.id == id } }.map { FaceInView(box: $0.box, who: $0.decided) }
        return FrameReport(faces: boxes, described: faces.count, decisions: decisions, undecidedInView: undecided,
                           wholeFrame: wholeFrame, tracks: tracks)
    }

    private func findFaces(in image: RGBImage) async throws -> (boxes: [FaceBox], wholeFrame: Bool) {
        guard case .hog(let upsample) = detector, var planner else { return (try await detect(in: image, with: detector), true) }
        let plan = planner.plan(for: image, following: tracker.tracks.map(\.box), upsample: upsample)
        self.planner = planner
        switch plan {
        case .wholeFrame(let upsample):
            return (try await detect(in: image, with: .hog(upsample: upsample)), true)
        case .regions(let regions):
            guard !regions.isEmpty else { return ([], false) }
            let found = try await engine.withWorker { worker in
                try regions.flatMap { region in
                    let crop = image.cropped(to: region.area)
                    let searched = region.scale < 1
                        ? crop.resized(width: max(1, Int(Double(crop.width) * region.scale)), height: max(1, Int(Double(crop.height) * region.scale)))
                        : crop
                    return try worker.detect(searched, with: .hog(upsample: region.upsample)).map {
                        $0.box(inImageOfWidth: searched.width, height: searched.height).scaled(by: Double(crop.width) / Double(searched.width))
                            .offsetBy(x: region.area.left, y: region.area.top)
                    }
                }
            }
            // Regions of faces close together overlap: one face, one box.
            var boxes: [FaceBox] = []
            for box in found where !boxes.contains(where: { $0.overlap(with: box) > 0.5 }) { boxes.append(box) }
            return (boxes, false)
        }
    }

    private func detect(in image: RGBImage, with detector: FaceDetector) async throws -> [FaceBox] {
        try await engine.withWorker { try $0.detect(image, with: detector) }.map { $0.box(inImageOfWidth: image.width, height: image.height) }
    }
}
