/// Who a descriptor is, in an open set: the people enrolled are not everyone
/// who walks past, so the nearest student is named only when they are near
/// enough (`tolerance`) and clearly nearer than anyone else enrolled (`margin`).
///
/// The margin is what keeps a look-alike out. A stranger is, to the roster,
/// an ordinary face: when one student is within the tolerance, the next is
/// usually not much farther. A student is far nearer their own photos than
/// anyone else's. The margin is relative (the runner-up must be `margin` times
/// farther again), so a face near the tolerance's edge must win more clearly
/// than one close to its own photo. Measured on the shared photos and dlib's
/// Johns against ten enrolled people (README, `faces evaluate`): every genuine
/// photo's runner-up was at least 1.35 times as far, every look-alike
/// stranger's at most 1.23 times.
public struct IdentificationRule: Sendable, Equatable {
    /// face_recognition's tolerance: the largest distance still taken for the same person.
    public var tolerance: Double
    /// How much farther the second-best student must be, as a fraction of the best's distance
    /// (0.25: at least 1.25 times as far; 0: face_recognition's rule, the nearest within the tolerance).
    public var margin: Double

    /// The original device's tolerance, and the margin measured to refuse look-alikes.
    public static let standard = IdentificationRule(tolerance: 0.5, margin: 0.25)

    public init(tolerance: Double, margin: Double) {
        self.tolerance = tolerance
        self.margin = margin
    }

    public enum Verdict<Label: Hashable & Sendable>: Sendable, Equatable {
        /// The nearest student, near enough and clearly nearer than the next.
        case identified(Label, distance: Double)
        /// Nobody enrolled is near enough (distance to the nearest; nil with nobody enrolled).
        case stranger(nearest: Double?)
        /// Near enough to `best`, but `runnerUp` is nearly as near: naming either could mark the wrong student.
        case ambiguous(best: Label, runnerUp: Label, distances: (Double, Double))

        public var label: Label? { if case .identified(let label, _) = self { label } else { nil } }

        /// Distance to the nearest enrolled face.
        public var nearestDistance: Double? {
            switch self {
            case .identified(_, let distance): distance
            case .stranger(let nearest): nearest
            case .ambiguous(_, _, let distances): distances.0
            }
        }

        public static func == (a: Verdict, b: Verdict) -> Bool {
            switch (a, b) {
            case let (.identified(x, d), .identified(y, e)): x == y && d == e
            case let (.stranger(d), .stranger(e)): d == e
            case let (.ambiguous(x, y, d), .ambiguous(u, v, e)): x == u && y == v && d == e
            default: false
            }
        }
    }

    /// The verdict for `query` against `index`.
    public func verdict<Label>(for query: FaceDescriptor, in index: FaceIndex<Label>) -> Verdict<Label> {
        let ranking = index.twoNearestLabels(to: query)
        return verdict(best: ranking.best, runnerUp: ranking.runnerUp)
    }

    /// The verdict from the nearest enrolled face of the best and second-best labels.
    public func verdict<Label>(best: FaceIndex<Label>.Match?, runnerUp: FaceIndex<Label>.Match?) -> Verdict<Label> {
        guard let best, best.distance <= tolerance else { return .stranger(nearest: best?.distance) }
        if let runnerUp, runnerUp.distance < best.distance * (1 + margin) {
            return .ambiguous(best: best.label, runnerUp: runnerUp.label, distances: (best.distance, runnerUp.distance))
        }
        return .identified(best.label, distance: best.distance)
    }
}
