import FaceEngine

/// Turns camera frames into decisions about faces, spending CPU only where it
/// can change an outcome: movement is read from each frame at 1/8 of its size;
/// faces are looked for (in gray) only where something moved or a face not yet
/// decided is; a face is followed from frame to frame and described (in colour)
/// only until successive descriptions agree, then rarely rechecked; each
/// description is matched against every enrolled photo, and a face is named
/// from its descriptions pooled (`FaceIdentity`) under an open-set rule
/// (`IdentificationRule`: near enough, and clearly nearer than anyone else).
public actor Recognizer {
    public struct Decision: Sendable, Equatable {
        public let track: Int
        public let who: FaceTracker.Candidate
        public let box: FaceBox
        /// Distance from the face's pooled descriptor to the nearest enrolled photo (nil with nobody enrolled).
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
        /// Where faces were looked for with HOG, and how.
        public let searched: [ScanPlanner.Region]
        /// Decided faces followed by their look instead (`FacePatchFollower`), by track.
        public let followedByLook: [Int]
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
    private let rule: IdentificationRule
    public let stages: StageClock
    private var tracker: FaceTracker
    private var planner: ScanPlanner
    private var follower: FacePatchFollower
    private var index = FaceIndex<String>()
    public private(set) var timeline = RecognitionTimeline()

    public init(engine: FaceEngine, rule: IdentificationRule, detector: FaceDetector = .standard,
                tracking: FaceTracker.Settings = FaceTracker.Settings(), scanning: ScanPlanner.Settings = ScanPlanner.Settings(),
                following: FacePatchFollower.Settings = FacePatchFollower.Settings(), stages: StageClock = StageClock()) {
        self.engine = engine
        self.rule = rule
        self.detector = detector
        self.stages = stages
        tracker = FaceTracker(settings: tracking)
        planner = ScanPlanner(settings: scanning)
        follower = FacePatchFollower(settings: following)
    }

    /// Replaces the enrolled descriptors (after a roster sync).
    public func enroll(_ index: FaceIndex<String>) {
        self.index = index
    }

    /// A camera frame as it came (JPEG, or PNG from a folder); `number` names it in the timeline.
    public func process(encoded: [UInt8], number: Int) async throws -> FrameReport {
        try await process(FramePictures(encoded: encoded, stages: stages), number: number)
    }

    /// A frame already decoded.
    public func process(_ image: RGBImage, number: Int? = nil) async throws -> FrameReport {
        try await process(FramePictures(image: image, stages: stages), number: number ?? timeline.frames + 1)
    }

    private func process(_ pictures: FramePictures, number: Int) async throws -> FrameReport {
        timeline.frames += 1
        let found = try await findFaces(in: pictures)
        let (boxes, byLook) = (found.boxes, found.followedByLook)
        // Every frame, searched or not: the tracker counts frames to know how long ago it saw each face.
        let gray = boxes.isEmpty ? nil : try pictures.gray()
        let ids = stages.measure(.tracking) {
            let ids = tracker.advance(boxes, searched: found.lookedAt.map(\.area), still: planner.stillFaces,
                                      look: gray.map { gray in { FaceLook.of($0, in: gray) } })
            follower.update(found: Array(zip(ids, boxes)), followedByLook: byLook, tracks: Set(tracker.tracks.map(\.id)), in: gray)
            return ids
        }
        timeline.saw(ids, boxes: boxes, frame: number)
        let reasons = ids.map { tracker.descriptionReason($0) }
        let due = ids.indices.filter { reasons[$0] != nil }
        var faces: [Face] = []
        if !due.isEmpty {
            let color = try pictures.color()
            faces = try await engine.withWorker { [stages] worker in
                try stages.measure(.description) { try worker.describe(color, at: due.map { boxes[$0] }) }
            }
        }
        var decisions: [Decision] = []
        for (position, face) in zip(due, faces) {
            timeline.described(ids[position], frame: number, because: reasons[position]!)
            let decision = stages.measure(.matching) {
                tracker.observe(ids[position], face.descriptor, tolerance: rule.tolerance) { [index, rule] in
                    rule.verdict(for: $0, in: index)
                }
            }
            if let decision {
                decisions.append(Decision(track: ids[position], who: decision.who, box: boxes[position], distance: decision.distance))
                timeline.decided(ids[position], as: decision.who, distance: decision.distance, frame: number)
            }
        }
        let inView = tracker.tracks.filter { $0.unseenFrames == 0 }
        return FrameReport(faces: boxes, described: faces.count, decisions: decisions, undecidedInView: inView.contains { $0.decided == nil },
                           searched: found.searched, followedByLook: byLook.sorted(), tracks: inView.map { FaceInView(box: $0.box, who: $0.decided) })
    }

    /// A frame's faces, and how they were found.
    private struct FoundFaces {
        var boxes: [FaceBox] = []
        /// Every region planned: where a face not found counts as unseen.
        var lookedAt: [ScanPlanner.Region] = []
        /// The regions searched with HOG: those planned, less the faces followed by their look.
        var searched: [ScanPlanner.Region] = []
        var followedByLook: Set<Int> = []
    }

    /// Where faces are in this frame, where they were looked for, and which tracks were followed by their look.
    private func findFaces(in pictures: FramePictures) async throws -> FoundFaces {
        if case .cnn = detector {
            // The CNN detector has no region search: the whole frame, every frame.
            let color = try pictures.color()
            let found = try await engine.withWorker { [stages, detector] worker in
                try stages.measure(.detection) { try worker.detect(color, with: detector) }
            }
            let whole = [ScanPlanner.Region(area: pictures.bounds, upsample: 0, scale: 1, following: nil)]
            return FoundFaces(boxes: found.map { $0.box(inImageOfWidth: color.width, height: color.height) }, lookedAt: whole, searched: whole)
        }
        let map = MotionMap(eighth: try pictures.motion())
        let followed = tracker.tracks.map { ScanPlanner.FollowedFace(id: $0.id, box: $0.box, decided: $0.decided != nil) }
        let regions = stages.measure(.motion) { planner.plan(map, bounds: pictures.bounds, following: followed) }
        if planner.sawCut { tracker.doubtAll() }
        guard !regions.isEmpty else { return FoundFaces() }
        let gray = try pictures.gray()
        // An unsure face is described every other frame, from the box it is found in: HOG's, not a look's.
        let decided = Set(tracker.tracks.filter { $0.decided != nil && $0.decided != .unsure }.map(\.id))
        var byLook: [Int: FaceBox] = [:]
        let searched = stages.measure(.tracking) {
            regions.filter { region in
                guard let id = region.following, decided.contains(id),
                      let box = follower.follow(id, in: gray, others: tracker.tracks.filter { $0.id != id }.map(\.box),
                                                 movement: planner.movement) else { return true }
                byLook[id] = box
                return false
            }
        }
        let found = try await engine.withWorker { [stages] worker in
            try stages.measure(.detection) { try searched.flatMap { try Self.detect(in: $0, of: gray, with: worker) } }
        }
        // Regions of faces close together overlap: one face, one box.
        var boxes: [FaceBox] = []
        for box in (found + byLook.values).sorted(by: { $0.area > $1.area }) where !boxes.contains(where: { $0.overlap(with: box) > 0.5 }) {
            boxes.append(box)
        }
        return FoundFaces(boxes: boxes, lookedAt: regions, searched: searched, followedByLook: Set(byLook.keys))
    }

    private static func detect(in region: ScanPlanner.Region, of gray: GrayImage, with worker: FaceWorker) throws -> [FaceBox] {
        let crop = region.area == gray.bounds ? gray : gray.cropped(to: region.area)
        let width = max(1, Int(Double(crop.width) * region.scale)), height = max(1, Int(Double(crop.height) * region.scale))
        let searched = region.scale < 1 ? crop.shrunk(width: width, height: height)
            : region.scale > 1 ? crop.enlarged(width: width, height: height) : crop
        return try worker.detect(searched, upsample: region.upsample).map {
            $0.box(inImageOfWidth: searched.width, height: searched.height).scaled(by: Double(crop.width) / Double(searched.width))
                .offsetBy(x: region.area.left, y: region.area.top)
        }
    }
}
