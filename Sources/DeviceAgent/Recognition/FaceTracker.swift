import FaceEngine

/// Follows faces from frame to frame by how much their boxes overlap, so that a
/// face already identified is not described again on every frame, and decides
/// who a face is only when successive descriptions agree: one bad frame cannot
/// mark the wrong student.
public struct FaceTracker: Sendable {
    /// What one description of a face said.
    public enum Candidate: Hashable, Sendable {
        case student(String)
        case unknown
    }

    public struct Settings: Sendable {
        /// Descriptions in a row that must agree before a face is decided.
        public var confirmations = 2
        /// A decided face is described again every this many frames, to catch a track that jumped to another face.
        public var recheckEvery = 15
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
        public init() {}
    }

    public struct Track: Sendable, Equatable {
        public let id: Int
        public fileprivate(set) var box: FaceBox
        public fileprivate(set) var decided: Candidate?
        fileprivate var streak: (candidate: Candidate, count: Int)?
        fileprivate var unseen = 0
        fileprivate var sinceDescription = Int.max
        /// The look when last described, and now; and where it was described.
        fileprivate var describedLook: [UInt8]?
        fileprivate var look: [UInt8]?
        fileprivate var describedBox: FaceBox?

        public static func == (a: Track, b: Track) -> Bool { a.id == b.id && a.box == b.box && a.decided == b.decided }
    }

    public let settings: Settings
    public private(set) var tracks: [Track] = []
    private var nextId = 1

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Takes a frame's boxes (and, optionally, how to see a face's look in this
    /// frame: `{ FaceLook.of($0, in: image) }`); returns the track id of each box, in the same order.
    public mutating func advance(_ boxes: [FaceBox], look: ((FaceBox) -> [UInt8])? = nil) -> [Int] {
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
        }
        for t in tracks.indices where !taken.contains(t) { tracks[t].unseen += 1 }
        var ids: [Int] = []
        for (b, box) in boxes.enumerated() {
            if let t = assigned[b] {
                // While a face stays where it was described, its look is taken from that same
                // area: a detector box that wobbles by a few pixels must not look like a new face.
                let area = tracks[t].describedBox.flatMap { box.overlap(with: $0) >= 0.5 ? $0 : nil } ?? box
                tracks[t].box = box
                tracks[t].look = look?(area)
                tracks[t].unseen = 0
                if tracks[t].sinceDescription != .max { tracks[t].sinceDescription += 1 }
                ids.append(tracks[t].id)
            } else {
                var track = Track(id: nextId, box: box, decided: nil)
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

    /// Whether the face on track `id` should be described in this frame.
    public func needsDescription(_ id: Int) -> Bool {
        guard let track = tracks.first(where: { $0.id == id }) else { return false }
        if track.decided == nil || track.sinceDescription >= settings.recheckEvery { return true }
        if let now = track.look, let then = track.describedLook, FaceLook.difference(now, then) > settings.lookChange { return true }
        return false
    }

    /// Records what a description said. Returns the decision when this one
    /// completes it (a face decided once is not reported again unless it changes).
    public mutating func observe(_ id: Int, _ candidate: Candidate) -> Candidate? {
        guard let t = tracks.firstIndex(where: { $0.id == id }) else { return nil }
        tracks[t].sinceDescription = 0
        tracks[t].describedLook = tracks[t].look
        tracks[t].describedBox = tracks[t].box
        if let streak = tracks[t].streak, streak.candidate == candidate {
            tracks[t].streak = (candidate, streak.count + 1)
        } else {
            tracks[t].streak = (candidate, 1)
        }
        guard let streak = tracks[t].streak, streak.count >= settings.confirmations, tracks[t].decided != candidate else {
            // A decided face whose recheck disagrees loses its decision until descriptions agree again.
            if let decided = tracks[t].decided, decided != candidate { tracks[t].decided = nil }
            return nil
        }
        tracks[t].decided = candidate
        return candidate
    }
}

/// A face's look, cheaply: its box shrunk to 8x8 gray pixels, brightness-normalised.
public enum FaceLook {
    public static func of(_ box: FaceBox, in image: RGBImage) -> [UInt8] {
        let width = max(1, box.width), height = max(1, box.height)
        var cells = [Double](repeating: 0, count: 64)
        var counts = [Double](repeating: 0, count: 64)
        let step = max(1, min(width, height) / 32)
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in stride(from: max(0, box.top), to: min(image.height, box.bottom), by: step) {
                for x in stride(from: max(0, box.left), to: min(image.width, box.right), by: step) {
                    let cell = min(7, (y - box.top) * 8 / height) * 8 + min(7, (x - box.left) * 8 / width)
                    let p = (y * image.width + x) * 3
                    cells[cell] += (Double(pixels[p]) + Double(pixels[p + 1]) + Double(pixels[p + 2])) / 3
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
