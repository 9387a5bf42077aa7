import FaceEngine

/// Decides where to look for faces in a frame. The whole frame at full
/// sensitivity is the expensive part of recognition (HOG with one upsample:
/// ~140 ms at 640x480 on a desktop core), so it is searched only every
/// `fullScanEvery` frames. In between, each followed face is looked for in a
/// small region around it, shrunk so the face is about 100 pixels wide, and
/// whatever moved since the previous frame (someone walking in) is searched
/// (at full sensitivity when the movement is small, else for faces of 80 pixels
/// and more, near the door); when the movement stops, the whole frame is
/// searched at full sensitivity, which finds the smaller faces of a group that
/// walked in. A doorway where nothing moves costs almost nothing, and a student
/// standing still a few milliseconds per frame.
public struct ScanPlanner: Sendable {
    public struct Settings: Sendable, Equatable {
        /// The longest run of frames without a whole-frame search at full sensitivity:
        /// the safety net for small faces and for a face that arrives without visible movement.
        public var fullScanEvery = 30
        /// Brightness change (0...255, per 8x8 cell) between frames that counts as movement; camera noise stays below it.
        public var motionThreshold = 16
        /// Moving cells needed before movement is searched.
        public var movingCells = 2
        /// Room around a followed face, as a fraction of its size on each side.
        public var margin = 0.4
        /// Room around movement, in pixels: a face is larger than the cells that changed at its edges.
        public var motionMargin = 48
        /// A followed face wider than this is shrunk to this width before it is looked for again,
        /// without upsampling; a narrower one is looked for with upsampling (HOG's window is 80 pixels).
        public var followedFaceWidth = 100
        public init() {}
    }

    /// Where to look, how many times to double the picture first, or how much to shrink it (`scale` < 1).
    public struct Region: Sendable, Equatable {
        public let area: FaceBox
        public let upsample: Int
        public let scale: Double
    }

    public enum Plan: Sendable, Equatable {
        case wholeFrame(upsample: Int)
        /// Look only here (nowhere at all when empty).
        case regions([Region])
    }

    public let settings: Settings
    private var previous: MotionMap?
    private var sinceWholeFrame = 0
    private var wasMoving = false

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    public mutating func plan(for image: RGBImage, following faces: [FaceBox], upsample: Int) -> Plan {
        let map = MotionMap(of: image)
        defer { previous = map }
        sinceWholeFrame += 1
        guard let previous, sinceWholeFrame < settings.fullScanEvery else { return fullSensitivity(upsample) }
        let bounds = FaceBox(top: 0, right: image.width, bottom: image.height, left: 0)
        let areas = faces.map { $0.grown(dx: Int(Double($0.width) * settings.margin), dy: Int(Double($0.height) * settings.margin), within: bounds) }
        var regions = zip(faces, areas).map { face, area in
            guard face.width >= settings.followedFaceWidth else { return Region(area: area, upsample: max(upsample, 1), scale: 1) }
            return Region(area: area, upsample: 0, scale: Double(settings.followedFaceWidth) / Double(face.width))
        }
        let moving = map.changedCells(since: previous, threshold: settings.motionThreshold).filter { cell in
            !areas.contains { $0.contains(cell) }
        }
        let isMoving = moving.count >= settings.movingCells
        defer { wasMoving = isMoving }
        // Whoever walked in has stopped at the door: look for every face, small ones too.
        if wasMoving, !isMoving { return fullSensitivity(upsample) }
        if isMoving {
            let movement = moving.dropFirst().reduce(moving[0]) { $0.union($1) }
                .grown(dx: settings.motionMargin, dy: settings.motionMargin, within: bounds)
            if movement.area * 2 > bounds.area { return .wholeFrame(upsample: 0) }
            // A small region can afford full sensitivity; a large one is searched for faces near the door.
            regions.append(Region(area: movement, upsample: movement.area * 4 <= bounds.area ? upsample : 0, scale: 1))
        }
        return .regions(regions)
    }

    private mutating func fullSensitivity(_ upsample: Int) -> Plan {
        sinceWholeFrame = 0
        wasMoving = false
        return .wholeFrame(upsample: upsample)
    }
}
