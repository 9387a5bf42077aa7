import FaceEngine

/// Decides where to look for faces in a frame, so that CPU is spent only where
/// a face can be: searching a whole 640x480 frame with HOG at full sensitivity
/// costs more than a hundred milliseconds, and a doorway is empty most of the day.
///
/// - Nothing moves and nobody is followed: nothing is searched (a whole frame,
///   for faces of 80 pixels and more, only every `quietScanEvery` frames, in case
///   someone arrived without visible movement).
/// - Something moves away from the faces already followed: the moving blob is
///   searched every `newFacesEvery` frames, near its top, where heads are. The
///   blob's size says how large faces in it can be: small ones are searched
///   with upsampling, large ones shrunk.
/// - A face not decided yet is looked for again in every frame (a little around
///   it), so that its descriptions follow quickly; a decided one only while its
///   person moves, every `followDecidedEvery` frames.
/// - Movement that stops (a group that walked in and stopped): where it was is
///   searched once more at full sensitivity, for the small faces of the group.
public struct ScanPlanner: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Brightness change (0...255, of an 8x8 block) between frames that counts as movement; camera noise stays below it.
        public var motionThreshold = 10
        /// Moving blocks needed before movement counts.
        public var movingCells = 2
        public var newFacesEvery = 3
        public var followDecidedEvery = 3
        public var quietScanEvery = 150
        /// A face expected narrower than this is searched with upsampling (HOG's window is 80 pixels).
        public var smallFaceWidth = 90
        /// A smaller face whose size is known (followed, or beside one followed) is enlarged to this before HOG.
        public var enlargedFaceWidth = 100
        /// A followed face wider than this is shrunk to it before it is looked for again.
        public var followedFaceWidth = 100
        /// Room around a followed face, as a fraction of its width on each side.
        public var margin = 0.5
        /// Room around a moving blob, in pixels.
        public var motionMargin = 24
        public init() {}
    }

    /// Where to look, how many times to double the picture first, or how much to shrink it (`scale` < 1);
    /// `following` is the track whose face is looked for there.
    public struct Region: Sendable, Equatable {
        public let area: FaceBox
        public let upsample: Int
        public let scale: Double
        public let following: Int?
    }

    /// A face being followed, as the planner needs it.
    public struct FollowedFace: Sendable {
        public let id: Int
        public let box: FaceBox
        public let decided: Bool

        public init(id: Int, box: FaceBox, decided: Bool) {
            self.id = id
            self.box = box
            self.decided = decided
        }
    }

    public let settings: Settings
    /// Whether the last frame planned changed as a whole (a cut, the lights): whoever is
    /// where a face was before may be someone else.
    public private(set) var sawCut = false
    /// The followed faces around which nothing moved in the last frame planned: whoever
    /// was there is there still, though not looked for.
    public private(set) var stillFaces: Set<Int> = []
    /// Where the last frame planned moved (8x8-pixel cells, in frame coordinates).
    public private(set) var movement: [FaceBox] = []
    private var previous: MotionMap?
    private var frame = 0
    private var sinceWholeFrame = 0
    /// Where free movement was while it lasted, for the search when it stops.
    private var recentMovement: FaceBox?

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// The regions to search in a frame of size `bounds` whose 1/8 brightness is `map`.
    public mutating func plan(_ map: MotionMap, bounds: FaceBox, following faces: [FollowedFace]) -> [Region] {
        frame += 1
        sinceWholeFrame += 1
        sawCut = false
        stillFaces = []
        movement = []
        defer { previous = map }
        guard let previous else { return [whole(bounds, upsample: 1)] }  // start-up: every face, small ones too
        let moving = map.changedCells(since: previous, threshold: settings.motionThreshold)
        movement = moving.map(MotionMap.box(of:))
        if moving.count * 2 > map.columns * map.rows {  // the picture changed as a whole (a cut, the lights)
            recentMovement = nil
            sawCut = true
            return [whole(bounds, upsample: 0)]
        }
        var regions: [Region] = []
        let bodies = faces.map { body(of: $0.box, within: bounds) }
        for (face, body) in zip(faces, bodies) {
            let moved = moving.contains { body.contains(MotionMap.box(of: $0)) }
            if !moved { stillFaces.insert(face.id) }
            if !face.decided || (moved && frame % settings.followDecidedEvery == 0) { regions.append(follow(face, within: bounds)) }
        }
        let free = moving.filter { cell in !bodies.contains { $0.contains(MotionMap.box(of: cell)) } }
        if free.count >= settings.movingCells {
            let blobs = MotionMap.blobs(of: free, columns: map.columns, rows: map.rows)
            let started = recentMovement == nil
            recentMovement = blobs.reduce(recentMovement ?? blobs[0]) { $0.union($1) }
            // Search as soon as movement starts, then every few frames while it goes on.
            if started || frame % settings.newFacesEvery == 0 {
                regions += blobs.compactMap { search($0, within: bounds, neighbours: faces, settled: false) }
            }
        } else if let settled = recentMovement {
            recentMovement = nil
            if let region = search(settled, within: bounds, neighbours: faces, settled: true) { regions.append(region) }
        }
        if regions.isEmpty && sinceWholeFrame >= settings.quietScanEvery { return [whole(bounds, upsample: 0)] }
        return regions
    }

    private mutating func whole(_ bounds: FaceBox, upsample: Int) -> Region {
        sinceWholeFrame = 0
        return Region(area: bounds, upsample: upsample, scale: 1, following: nil)
    }

    /// A face and the body under it: movement there is that person's, not someone new.
    func body(of face: FaceBox, within bounds: FaceBox) -> FaceBox {
        let w = face.width
        return FaceBox(top: max(bounds.top, face.top - w / 2), right: min(bounds.right, face.right + w * 6 / 10),
                       bottom: min(bounds.bottom, face.bottom + w * 7 / 2), left: max(bounds.left, face.left - w * 6 / 10))
    }

    private func follow(_ face: FollowedFace, within bounds: FaceBox) -> Region {
        let room = Int(Double(face.box.width) * settings.margin)
        let area = face.box.grown(dx: room, dy: room, within: bounds)
        if face.box.width > settings.followedFaceWidth {
            return Region(area: area, upsample: 0, scale: Double(settings.followedFaceWidth) / Double(face.box.width), following: face.id)
        }
        return Region(area: area, upsample: 0, scale: enlargement(for: Double(face.box.width)), following: face.id)
    }

    /// How much to enlarge a region so that a face `width` pixels wide (a detector box) comes out
    /// `enlargedFaceWidth` wide, just above HOG's 80-pixel window: a 70-pixel face costs
    /// (100/70)² ≈ 2 times its region, where HOG's 2x upsampling costs 4 times.
    private func enlargement(for width: Double) -> Double {
        width >= Double(settings.smallFaceWidth) ? 1 : min(2, Double(settings.enlargedFaceWidth) / max(width, 1))
    }

    /// A moving blob searched where heads are: its top, as deep as the faces its size allows.
    /// Beside a followed face, faces are expected of that face's size (people walking
    /// together are about as far away): a blob narrower than such a face is the
    /// followed person's own edge, not a newcomer, and is not searched. Where movement
    /// settled with nobody followed beside it, small faces are looked for too.
    private func search(_ blob: FaceBox, within bounds: FaceBox, neighbours: [FollowedFace], settled: Bool) -> Region? {
        let near = neighbours.filter { face in
            let reach = face.box.width
            return face.box.grown(dx: reach * 2, dy: reach, within: bounds).overlap(with: blob) > 0
        }
        let expected = near.isEmpty ? nil : Double(near.map(\.box.width).reduce(0, +)) / Double(near.count)
        if let expected, Double(blob.width) < expected * 0.6 { return nil }
        let face = expected ?? max(40, min(Double(blob.width) / 2.3, Double(blob.height) / 3.2))
        let margin = settings.motionMargin
        let depth = Int(face * 2.5) + margin
        let area = FaceBox(top: max(bounds.top, blob.top - margin), right: min(bounds.right, blob.right + margin),
                           bottom: min(bounds.bottom, max(blob.top + depth, blob.top + 80)), left: max(bounds.left, blob.left - margin))
        if let expected, expected < Double(settings.smallFaceWidth) {
            return Region(area: area, upsample: 0, scale: enlargement(for: expected), following: nil)
        }
        if (settled && expected == nil) || face < Double(settings.smallFaceWidth) {
            // Faces of a size only guessed from the blob: HOG's own upsampling, for faces smaller than the guess too.
            return Region(area: area, upsample: 1, scale: 1, following: nil)
        }
        let scale = face > Double(2 * settings.followedFaceWidth) ? Double(settings.followedFaceWidth) * 1.3 / face : 1
        return Region(area: area, upsample: 0, scale: scale, following: nil)
    }
}
