import CFaceEngine
import Dispatch

/// Enrolled descriptors, searched for the one nearest a query. Students have
/// several photos, so a label may appear many times; the nearest photo wins.
///
/// The search is exhaustive, so it is exact: 100,000 descriptors are 51 MB,
/// scanned on every core at once. The winner's distance is then recomputed in
/// double precision, as face_recognition computes it.
public struct FaceIndex<Label: Hashable & Sendable>: Sendable {
    public struct Match: Sendable, Equatable {
        public let label: Label
        public let distance: Double
        /// Which enrolled descriptor matched, in insertion order among the remaining ones.
        public let position: Int
    }

    /// Below this many rows one core is faster than handing work to two.
    static var parallelThreshold: Int { 16_384 }

    /// The descriptors' values one after another: the layout the scan reads.
    private var rows: [Float] = []
    public private(set) var labels: [Label] = []

    public init() {}

    public var count: Int { labels.count }
    public var isEmpty: Bool { labels.isEmpty }

    public mutating func add(_ descriptor: FaceDescriptor, label: Label) {
        rows.append(contentsOf: descriptor.values)
        labels.append(label)
    }

    public mutating func removeAll(where shouldRemove: (Label) -> Bool) {
        let keep = labels.indices.filter { !shouldRemove(labels[$0]) }
        guard keep.count != labels.count else { return }
        var index = FaceIndex()
        for i in keep { index.add(descriptor(at: i), label: labels[i]) }
        self = index
    }

    /// The enrolled descriptor nearest to `query`, whatever its distance.
    public func nearest(to query: FaceDescriptor) -> Match? {
        guard !isEmpty else { return nil }
        let best = rows.withUnsafeBufferPointer { rows in
            query.values.withUnsafeBufferPointer { query in
                Self.scan(rows.baseAddress!, count: count, query: query.baseAddress!)
            }
        }
        return Match(label: labels[best], distance: descriptor(at: best).distance(to: query), position: best)
    }

    /// The nearest match if it is within `tolerance`, else nil (an unknown person).
    public func identify(_ query: FaceDescriptor, tolerance: Double) -> Match? {
        guard let match = nearest(to: query), match.distance <= tolerance else { return nil }
        return match
    }

    /// For each label, its nearest descriptor, nearest label first.
    public func nearestPerLabel(to query: FaceDescriptor) -> [Match] {
        var best: [Label: Match] = [:]
        for position in labels.indices {
            let candidate = Match(label: labels[position], distance: descriptor(at: position).distance(to: query), position: position)
            if let current = best[candidate.label], current.distance <= candidate.distance { continue }
            best[candidate.label] = candidate
        }
        return best.values.sorted { ($0.distance, $0.position) < ($1.distance, $1.position) }
    }

    /// Squared distance in single precision from the descriptor at `position` to `query` (for ranking only).
    func squaredDistance(at position: Int, to query: UnsafeBufferPointer<Float>) -> Float {
        rows.withUnsafeBufferPointer { rows in
            var sum: Float = 0
            let base = position * FaceDescriptor.length
            for i in 0..<FaceDescriptor.length {
                let d = rows[base + i] - query[i]
                sum += d * d
            }
            return sum
        }
    }

    public func descriptor(at position: Int) -> FaceDescriptor {
        let length = FaceDescriptor.length
        return FaceDescriptor(unchecked: Array(rows[position * length..<(position + 1) * length]))
    }

    private static func scan(_ rows: UnsafePointer<Float>, count: Int, query: UnsafePointer<Float>) -> Int {
        let length = FaceDescriptor.length
        let parts = count < parallelThreshold ? 1 : 2
        guard parts > 1 else {
            var distance: Float = 0
            return stfe_nearest_row(rows, count, query, &distance)
        }
        let bests = UnsafeMutableBufferPointer<(Int, Float)>.allocate(capacity: parts)
        defer { bests.deallocate() }
        let rowsAddress = Int(bitPattern: rows), queryAddress = Int(bitPattern: query)
        let results = Int(bitPattern: bests.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            // Addresses cross the closure as integers: the buffers outlive this call.
            let start = count * part / parts, end = count * (part + 1) / parts
            let base = UnsafePointer<Float>(bitPattern: rowsAddress)! + start * length
            var distance: Float = 0
            let row = stfe_nearest_row(base, end - start, UnsafePointer<Float>(bitPattern: queryAddress)!, &distance)
            UnsafeMutablePointer<(Int, Float)>(bitPattern: results)![part] = (start + row, distance)
        }
        return bests.min { $0.1 < $1.1 }!.0
    }
}
