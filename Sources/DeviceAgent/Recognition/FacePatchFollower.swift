import FaceEngine

/// Follows decided faces between HOG searches by finding their look again near
/// where they were. A decided face is followed only so that its track stays on
/// it (movement there is its person's, a swap shows as a changed look), and HOG
/// around it, every third frame while its person walks, was nearly half of all
/// detection; comparing 8x8 cell means from an integral image at a few hundred
/// nearby places costs a fraction of a millisecond.
///
/// HOG still finds the face every `searchEvery`-th time (its size changes as it
/// comes nearer, and small errors must not add up), whenever its look is not
/// found clearly (turned away, covered, gone), and whenever something moves
/// around it that is not its own head: HOG around a followed face is also what
/// finds someone coming out from behind it. Its look is never looked for where
/// another followed face is.
public struct FacePatchFollower: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Largest move looked for, as a fraction of the face's width: someone walking past,
        /// followed every third frame at 15 frames a second, moves about 0.4 widths.
        public var reach = 0.6
        /// Largest mean difference of cell brightness (0...255, brightness-normalised) at which the face counts as found.
        public var acceptableDifference = 10.0
        /// Times in a row a face may be followed by its look before HOG finds it again (0: never by look).
        public var searchEvery = 3
        public init() {}
    }

    /// Where HOG last found a face, and how it looked there.
    private struct Anchor: Sendable {
        var box: FaceBox
        let look: [Double]
        var follows = 0
    }

    public let settings: Settings
    private var anchors: [Int: Anchor] = [:]

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Where the face of track `id` is in `gray`, found by its look; nil when HOG must look for it.
    /// `others`: the other faces followed, which it must not be mistaken for; `movement`:
    /// where the frame moved (`ScanPlanner.movement`).
    public mutating func follow(_ id: Int, in gray: GrayImage, others: [FaceBox], movement: [FaceBox]) -> FaceBox? {
        guard var anchor = anchors[id], anchor.follows < settings.searchEvery, anchor.box.width >= 16 else { return nil }
        let reach = Int(Double(anchor.box.width) * settings.reach)
        let area = anchor.box.grown(dx: reach, dy: reach, within: gray.bounds)
        let sums = IntegralImage(gray, area: area)
        let coarse = max(1, anchor.box.width / 10)
        var best = (box: anchor.box, difference: Double.infinity)
        func consider(_ box: FaceBox) {
            // Never onto another face followed: two faces close together are HOG's to tell apart.
            guard area.contains(box), !others.contains(where: { $0.overlap(with: box) > 0.2 }) else { return }
            let difference = Self.difference(sums.look(of: box), anchor.look)
            if difference < best.difference { best = (box, difference) }
        }
        for dy in stride(from: -reach, through: reach, by: coarse) {
            for dx in stride(from: -reach, through: reach, by: coarse) { consider(anchor.box.offsetBy(x: dx, y: dy)) }
        }
        let centre = best.box, fine = max(1, coarse / 3)
        for dy in stride(from: -coarse + fine, to: coarse, by: fine) {
            for dx in stride(from: -coarse + fine, to: coarse, by: fine) where dx != 0 || dy != 0 { consider(centre.offsetBy(x: dx, y: dy)) }
        }
        guard best.difference <= settings.acceptableDifference else { return nil }
        // Its head moving covers where it was and where it is, and a little round them (hair, ears);
        // below it, its own shoulders move. Anything else moving beside or above it may be a face.
        let room = anchor.box.width / 4
        let head = anchor.box.union(best.box).grown(dx: room, dy: room, within: gray.bounds)
        let besideOrAbove = movement.contains { cell in
            let (x, y) = cell.center
            return area.holds(x, y) && y < Double(head.bottom) && !head.holds(x, y)
        }
        guard !besideOrAbove else { return nil }
        anchor.follows += 1
        anchor.box = best.box
        anchors[id] = anchor
        return best.box
    }

    /// After a frame: faces found by HOG become anchors, with their look in `gray`
    /// (those followed by look keep theirs); tracks no longer followed are forgotten.
    public mutating func update(found: [(id: Int, box: FaceBox)], followedByLook: Set<Int>, tracks: Set<Int>, in gray: GrayImage?) {
        anchors = anchors.filter { tracks.contains($0.key) }
        guard let gray else { return }
        for (id, box) in found where !followedByLook.contains(id) {
            guard gray.bounds.contains(box) else { anchors[id] = nil; continue }
            anchors[id] = Anchor(box: box, look: IntegralImage(gray, area: box).look(of: box))
        }
    }

    private static func difference(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for i in a.indices { total += abs(a[i] - b[i]) }
        return total / Double(a.count)
    }
}

private extension FaceBox {
    func holds(_ x: Double, _ y: Double) -> Bool {
        Double(left) <= x && x < Double(right) && Double(top) <= y && y < Double(bottom)
    }
}

/// Sums of brightness over any rectangle of an area of a gray frame, each in four lookups.
private struct IntegralImage {
    let area: FaceBox
    private let stride: Int
    private let sums: [Int]

    init(_ gray: GrayImage, area: FaceBox) {
        self.area = area
        let stride = area.width + 1
        self.stride = stride
        var sums = [Int](repeating: 0, count: stride * (area.height + 1))
        gray.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<area.height {
                var row = 0
                let source = (area.top + y) * gray.width + area.left
                for x in 0..<area.width {
                    row += Int(pixels[source + x])
                    sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + row
                }
            }
        }
        self.sums = sums
    }

    /// The box's 8x8 cell means, less their average (lighting that changes as a whole does not count).
    func look(of box: FaceBox) -> [Double] {
        var cells = [Double](repeating: 0, count: 64)
        let left = box.left - area.left, top = box.top - area.top
        for row in 0..<8 {
            let y0 = top + row * box.height / 8, y1 = top + (row + 1) * box.height / 8
            for column in 0..<8 {
                let x0 = left + column * box.width / 8, x1 = left + (column + 1) * box.width / 8
                let sum = sums[y1 * stride + x1] - sums[y0 * stride + x1] - sums[y1 * stride + x0] + sums[y0 * stride + x0]
                cells[row * 8 + column] = Double(sum) / Double(max(1, (x1 - x0) * (y1 - y0)))
            }
        }
        let average = cells.reduce(0, +) / 64
        return cells.map { $0 - average }
    }
}
