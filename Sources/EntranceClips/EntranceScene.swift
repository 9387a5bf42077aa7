import FaceEngine

/// A scripted entrance: who walks in, when, along which path and how large
/// their face is at each moment. The script is also the ground truth a
/// recognition run is scored against: where each face is in every frame, and
/// from which frame it is fully in view.
public struct EntranceScene: Sendable {
    /// One moment of a walker's path: the centre of their face in the frame, and its width, in pixels.
    public struct Waypoint: Sendable {
        public let time: Double
        public let x: Double
        public let y: Double
        public let faceWidth: Double

        public init(_ time: Double, x: Double, y: Double, faceWidth: Double) {
            self.time = time
            self.x = x
            self.y = y
            self.faceWidth = faceWidth
        }
    }

    /// Where a walker's photo comes from.
    public enum PhotoSet: Sendable, Equatable {
        /// `../shared/faces/<identity>/<photo>`.
        case shared
        /// dlib's example photos of five Johns, which Debian ships with libdlib
        /// (`/usr/share/doc/libdlib19.1/examples/johns/John_Savage/<photo>` for `john_savage`).
        case dlibJohns
    }

    public struct Walker: Sendable {
        /// The person (a folder name of the photo set, like `barack_obama`).
        public let identity: String
        /// The photo they walk in as (never the one they are enrolled with).
        public let photo: String
        public let photoSet: PhotoSet
        public let enrolled: Bool
        /// In time order; the walker is in the scene from the first waypoint to the last.
        public let path: [Waypoint]

        public init(_ identity: String, photo: String, from photoSet: PhotoSet = .shared, enrolled: Bool, path: [Waypoint]) {
            precondition(path.count >= 2 && zip(path, path.dropFirst()).allSatisfy { $0.time < $1.time }, "a path needs two waypoints in time order")
            self.identity = identity
            self.photo = photo
            self.photoSet = photoSet
            self.enrolled = enrolled
            self.path = path
        }

        /// The face's centre and width at `time`, nil when the walker is not in the scene.
        public func face(at time: Double) -> (x: Double, y: Double, width: Double)? {
            guard let first = path.first, let last = path.last, time >= first.time, time <= last.time else { return nil }
            let next = path.firstIndex { $0.time >= time } ?? path.count - 1
            guard next > 0 else { return (first.x, first.y, first.faceWidth) }
            let a = path[next - 1], b = path[next]
            let f = (time - a.time) / (b.time - a.time)
            return (a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f, a.faceWidth + (b.faceWidth - a.faceWidth) * f)
        }
    }

    public let name: String
    public let duration: Double
    public let framesPerSecond: Double
    public let width: Int
    public let height: Int
    public let walkers: [Walker]

    /// People on the roster who do not walk in (from the shared photos): a bigger roster, for look-alikes to be near.
    public let alsoEnrolled: [String]

    /// The people enrolled for this scene: everyone who walks in enrolled, and `alsoEnrolled`.
    public var enrolledIdentities: Set<String> { Set(walkers.filter(\.enrolled).map(\.identity) + alsoEnrolled) }

    public init(name: String, duration: Double, framesPerSecond: Double = 15, width: Int = 640, height: Int = 480, walkers: [Walker],
                alsoEnrolled: [String] = []) {
        self.alsoEnrolled = alsoEnrolled
        self.name = name
        self.duration = duration
        self.framesPerSecond = framesPerSecond
        self.width = width
        self.height = height
        self.walkers = walkers
    }

    public var frameCount: Int { Int((duration * framesPerSecond).rounded(.down)) }

    public func time(ofFrame number: Int) -> Double { Double(number) / framesPerSecond }

    /// Where walker `index`'s face is in frame `number` (a square as wide as the face), nil when absent.
    public func faceBox(of index: Int, inFrame number: Int) -> FaceBox? {
        guard let face = walkers[index].face(at: time(ofFrame: number)) else { return nil }
        let half = face.width / 2
        return FaceBox(top: Int((face.y - half).rounded()), right: Int((face.x + half).rounded()),
                       bottom: Int((face.y + half).rounded()), left: Int((face.x - half).rounded()))
    }

    /// The walkers in frame `number` in the order they are drawn: farther (smaller) faces
    /// first, so that nearer people stand in front of them; equal sizes in script order.
    public func drawingOrder(inFrame number: Int) -> [(index: Int, face: (x: Double, y: Double, width: Double))] {
        let time = time(ofFrame: number)
        return walkers.indices.compactMap { index in walkers[index].face(at: time).map { (index, $0) } }
            .sorted { ($0.face.width, $0.index) < ($1.face.width, $1.index) }
    }

    /// Whether `box` (a face, from `faceBox`) is wholly inside the picture.
    public func isInsidePicture(_ box: FaceBox) -> Bool {
        box.left >= 0 && box.top >= 0 && box.right <= width && box.bottom <= height
    }

    /// A 9x9 grid of points over a face box, its edges included.
    static func grid(over box: FaceBox) -> [(x: Int, y: Int)] {
        (0...8).flatMap { row in
            (0...8).map { column in (box.left + (box.width - 1) * column / 8, box.top + (box.height - 1) * row / 8) }
        }
    }

    /// The walker whose face is nearest to `box` in frame `number` (overlapping it), for
    /// attributing a decision to a person.
    public func walker(at box: FaceBox, inFrame number: Int) -> Int? {
        var best: (index: Int, overlap: Double)?
        for index in walkers.indices {
            guard let face = faceBox(of: index, inFrame: number) else { continue }
            let overlap = face.overlap(with: box)
            if overlap > 0.2, overlap > best?.overlap ?? 0 { best = (index, overlap) }
        }
        return best?.index
    }
}
