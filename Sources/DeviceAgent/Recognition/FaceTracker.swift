import FaceEngine

/// Follows faces from frame to frame by how much their boxes overlap, so that a
/// face already identified is not described again on every frame, and keeps
/// each face's descriptions together (`FaceIdentity`), so that a face is
/// decided from several frames: one bad frame cannot mark the wrong student.
public struct FaceTracker: Sendable {
    public typealias Candidate = FaceIdentity.Candidate

    public struct Settings: Sendable {
        /// How descriptions of a face become a decision.
        public var identity = FaceIdentity.Settings()
        /// A decided face is described again every this many frames, to catch a track that jumped to another face.
        public var recheckEvery = 45
        /// Frames a face may go unseen before its track is dropped.
        public var keepUnseen = 5
        /// Least overlap (intersection over union) for a box to continue a track.
        public var minimumOverlap = 0.3
        /// A box that does not overlap enough may still continue a track whose face
        /// was about as large and whose centre was at most this many face widths
        /// away: someone walking past the door moves further than a box between two frames.
        public var maximumJump = 1.5
        /// How different a face's look (mean difference of its 8x8 gray thumbnail, 0...255)
        /// may become before it is described again: one person stepping in where another stood.
        public var lookChange = 12.0
        /// A decided face whose look changed is described again only after it was seen this
        /// many times since its last description: a face walking past a patterned wall changes its
        /// look on every frame, and a swap found a few frames late marks nobody wrongly (the
        /// decided person is marked already; the newcomer waits a moment longer).
        public var lookRecheckAfter = 8
        /// Frames (calls to `advance`) after which a face found by a jump rather than by overlap
        /// is no longer taken for the same person without a new description.
        public var jumpMemory = 4
        /// Frames out of sight after which any face found where it was is described again.
        public var outOfSightMemory = 30
        /// A face decided unknown is described again once it is this many times as wide as when last described.
        public var grownEnough = 1.3
        /// A face decided unknown whose pooled distance to a student is less than the tolerance plus
        /// this is described again every `unsureRedescribeEvery` frames until its pool is full: a
        /// student seen badly at first (0.51 from their photo) is not left a stranger for seconds.
        public var nearMiss = 0.05
        /// An unsure face is described again every this many frames.
        public var unsureRedescribeEvery = 2
        /// A face not decided yet is described every this many frames (1: every frame it is
        /// seen in; 2 halves the descriptions of people walking in, at a frame's delay).
        public var undecidedRedescribeEvery = 1
        public init() {}
    }

    public struct Track: Sendable, Equatable {
        public let id: Int
        public fileprivate(set) var box: FaceBox
        fileprivate var identity: FaceIdentity
        /// Who the face was decided to be (nil: not yet).
        public var decided: Candidate? { identity.decided }
        fileprivate var unseen = 0
        fileprivate var sinceDescription = Int.max
        /// The look when last described, and now; and where it was described.
        fileprivate var describedLook: [UInt8]?
        fileprivate var look: [UInt8]?
        fileprivate var describedBox: FaceBox?
        /// Continued far from where it was last seen, or after a while out of sight: it may be someone else now.
        fileprivate var doubtful = false
        /// Decided unknown, but within `nearMiss` of a student, with room left in its pool.
        fileprivate var nearlyKnown = false
        fileprivate var lastSeen = 0

        /// Frames in a row it was looked for and not found (0: seen when last looked for).
        public var unseenFrames: Int { unseen }

        public static func == (a: Track, b: Track) -> Bool { a.id == b.id && a.box == b.box && a.decided == b.decided }
    }

    public let settings: Settings
    public private(set) var tracks: [Track] = []
    private var nextId = 1
    /// Calls to `advance`: one a frame.
    private var frame = 0

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Takes a frame's boxes (and, optionally, how to see a face's look in this
    /// frame: `{ FaceLook.of($0, in: image) }`); returns the track id of each box, in the same order.
    /// `searched`: where the frame was searched (nil: everywhere); a face not found
    /// counts as unseen only if it was looked for. `still`: tracks around which nothing
    /// moved in this frame: not looked for, one found when last looked for counts as seen
    /// where it was (someone who stood still for a while is not "back after a while out of sight").
    public mutating func advance(_ boxes: [FaceBox], searched: [FaceBox]? = nil, still: Set<Int> = [],
                                 look: ((FaceBox) -> [UInt8])? = nil) -> [Int] {
        frame += 1
        var assigned = [Int?](repeating: nil, count: boxes.count)
        var taken = Set<Int>()
        // Best overlaps first, so two faces close together keep their own tracks.
        var pairs: [(closeness: Double, box: Int, track: Int)] = []
        for (b, box) in boxes.enumerated() {
            for (t, track) in tracks.enumerated() {
                if let closeness = closeness(of: box, to: track.box) { pairs.append((closeness, b, t)) }
            }
        }
        for pair in pairs.sorted(by: { $0.closeness > $1.closeness }) where assigned[pair.box] == nil && !taken.contains(pair.track) {
            assigned[pair.box] = pair.track
            taken.insert(pair.track)
            // A face followed closely that walked on is the same person; one that turns up near a face
            // last seen a while ago may be anyone: described again before it counts as that person.
            let away = frame - tracks[pair.track].lastSeen
            if (pair.closeness < settings.minimumOverlap && away > settings.jumpMemory) || away > settings.outOfSightMemory {
                tracks[pair.track].doubtful = true
            }
        }
        for t in tracks.indices where !taken.contains(t) {
            let centre = tracks[t].box.center
            let lookedFor = searched?.contains { Double($0.left) <= centre.x && centre.x <= Double($0.right)
                && Double($0.top) <= centre.y && centre.y <= Double($0.bottom) } ?? true
            if lookedFor {
                tracks[t].unseen += 1
            } else if still.contains(tracks[t].id) && tracks[t].unseen == 0 {
                // Found when last looked for, and nothing moved since. One missed at its last
                // look may have walked out: where it was is empty, and empty stays still.
                tracks[t].lastSeen = frame
            }
        }
        var ids: [Int] = []
        for (b, box) in boxes.enumerated() {
            if let t = assigned[b] {
                // While a face stays where it was described, its look is taken from that same
                // area: a detector box that wobbles by a few pixels must not look like a new face.
                let area = tracks[t].describedBox.flatMap { box.overlap(with: $0) >= 0.5 ? $0 : nil } ?? box
                tracks[t].box = box
                tracks[t].lastSeen = frame
                tracks[t].look = look?(area)
                tracks[t].unseen = 0
                if tracks[t].sinceDescription != .max { tracks[t].sinceDescription += 1 }
                ids.append(tracks[t].id)
            } else {
                var track = Track(id: nextId, box: box, identity: FaceIdentity(settings: settings.identity))
                track.lastSeen = frame
                track.look = look?(box)
                tracks.append(track)
                ids.append(nextId)
                nextId += 1
            }
        }
        tracks.removeAll { $0.unseen > settings.keepUnseen }
        return ids
    }

    /// How well `box` continues a track last seen at `previous` (higher is better), nil when it cannot.
    /// Overlap comes first; a jump of a similar-sized face ranks below any overlap.
    func closeness(of box: FaceBox, to previous: FaceBox) -> Double? {
        let overlap = box.overlap(with: previous)
        if overlap >= settings.minimumOverlap { return overlap }
        let size = Double(max(previous.width, 1))
        let ratio = Double(box.width) / size
        guard ratio > 0.67, ratio < 1.5 else { return nil }
        let dx = box.center.x - previous.center.x, dy = box.center.y - previous.center.y
        let jump = (dx * dx + dy * dy).squareRoot() / size
        guard jump <= settings.maximumJump else { return nil }
        return settings.minimumOverlap * (1 - jump / (settings.maximumJump + 0.01))
    }

    /// After a cut: every face followed is described again before it counts as who it was.
    public mutating func doubtAll() {
        for t in tracks.indices { tracks[t].doubtful = true }
    }

    /// Why a face is described again: what a person tuning a door reads in `--report`.
    public enum DescriptionReason: String, Sendable, Codable, CaseIterable {
        /// Not decided yet.
        case undecided
        /// Found by a jump, after a cut or after long out of sight: perhaps someone else.
        case doubt
        /// Decided, and due for its rare recheck.
        case recheck
        /// Decided, and its look changed: perhaps someone stepped in where they stood.
        case look
        /// Near two students: described now and then until clear.
        case unsure
        /// A stranger decided while far away, now much nearer.
        case nearer
        /// A stranger decided by a whisker: described now and then while its pool fills.
        case nearMiss
    }

    /// Whether the face on track `id` should be described in this frame.
    public func needsDescription(_ id: Int) -> Bool { descriptionReason(id) != nil }

    /// Why the face on track `id` should be described in this frame; nil when it need not be.
    public func descriptionReason(_ id: Int) -> DescriptionReason? {
        guard let track = tracks.first(where: { $0.id == id }) else { return nil }
        guard let decided = track.decided else {
            return track.sinceDescription >= settings.undecidedRedescribeEvery ? .undecided : nil
        }
        if track.doubtful { return .doubt }
        if track.sinceDescription >= settings.recheckEvery { return .recheck }
        if decided == .unsure { return track.sinceDescription >= settings.unsureRedescribeEvery ? .unsure : nil }
        if decided == .unknown, track.nearlyKnown, track.sinceDescription >= settings.unsureRedescribeEvery { return .nearMiss }
        if decided == .unknown, let then = track.describedBox, Double(track.box.width) >= Double(then.width) * settings.grownEnough {
            return .nearer
        }
        if track.sinceDescription >= settings.lookRecheckAfter, let now = track.look, let then = track.describedLook,
           FaceLook.difference(now, then) > settings.lookChange { return .look }
        return nil
    }

    /// Records one description of the face on track `id`; `judge` says who a descriptor is
    /// (`IdentificationRule`, whose `tolerance` is given). Returns the decision when this
    /// description makes or changes it (a face decided once is not reported again unless it changes).
    public mutating func observe(_ id: Int, _ descriptor: FaceDescriptor, tolerance: Double,
                                 judge: (FaceDescriptor) -> IdentificationRule.Verdict<String>) -> FaceIdentity.Decision? {
        guard let t = tracks.firstIndex(where: { $0.id == id }) else { return nil }
        tracks[t].sinceDescription = 0
        tracks[t].doubtful = false
        tracks[t].describedLook = tracks[t].look
        tracks[t].describedBox = tracks[t].box
        // A face of 150 px or more describes as well as a photo; smaller ones count for less in the pool.
        let weight = min(1, Double(tracks[t].box.width) / 150)
        let decision = tracks[t].identity.add(descriptor, weight: weight, judge: judge)
        let identity = tracks[t].identity
        tracks[t].nearlyKnown = identity.decided == .unknown && identity.descriptions < settings.identity.pooled
            && (identity.pooledDescriptor.flatMap { judge($0).nearestDistance } ?? .infinity) < tolerance + settings.nearMiss
        return decision
    }
}

/// A face's look, cheaply: its box shrunk to 8x8 gray pixels, brightness-normalised.
public enum FaceLook {
    public static func of(_ box: FaceBox, in image: GrayImage) -> [UInt8] {
        let width = max(1, box.width), height = max(1, box.height)
        var cells = [Double](repeating: 0, count: 64)
        var counts = [Double](repeating: 0, count: 64)
        let step = max(1, min(width, height) / 32)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in stride(from: max(0, box.top), to: min(image.height, box.bottom), by: step) {
                for x in stride(from: max(0, box.left), to: min(image.width, box.right), by: step) {
                    let cell = min(7, (y - box.top) * 8 / height) * 8 + min(7, (x - box.left) * 8 / width)
                    cells[cell] += Double(pixels[y * image.width + x])
                    counts[cell] += 1
                }
            }
        }
        let means = zip(cells, counts).map { $1 > 0 ? $0 / $1 : 0 }
        let average = means.reduce(0, +) / 64
        return means.map { UInt8(max(0, min(255, $0 - average + 128))) }
    }

    public static func difference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        return Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }
}
