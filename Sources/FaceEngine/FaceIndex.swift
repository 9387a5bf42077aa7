/// Enrolled descriptors, searched for the one nearest a query. Students have
/// several photos, so a label may appear many times; the nearest photo wins.
///
/// The scan is brute force over contiguous SIMD rows: at 512 bytes a descriptor,
/// 100,000 of them are 51 MB, read once per query at memory speed. The winner's
/// distance is then recomputed in double precision, as face_recognition does.
public struct FaceIndex<Label: Hashable & Sendable>: Sendable {
    public struct Match: Sendable, Equatable {
        public let label: Label
        public let distance: Double
        /// Which enrolled descriptor matched, in insertion order among the remaining ones.
        public let position: Int
    }

    private typealias Chunk = SIMD16<Float>
    private static var chunksPerRow: Int { FaceDescriptor.length / Chunk.scalarCount }

    private var rows: [Chunk] = []
    private var descriptors: [FaceDescriptor] = []
    public private(set) var labels: [Label] = []

    public init() {}

    public var count: Int { labels.count }
    public var isEmpty: Bool { labels.isEmpty }

    public mutating func add(_ descriptor: FaceDescriptor, label: Label) {
        descriptor.values.withUnsafeBufferPointer { values in
            for c in 0..<Self.chunksPerRow {
                rows.append(Chunk(values[c * Chunk.scalarCount..<(c + 1) * Chunk.scalarCount]))
            }
        }
        descriptors.append(descriptor)
        labels.append(label)
    }

    public mutating func removeAll(where shouldRemove: (Label) -> Bool) {
        let keep = labels.indices.filter { !shouldRemove(labels[$0]) }
        guard keep.count != labels.count else { return }
        var index = FaceIndex()
        for i in keep { index.add(descriptors[i], label: labels[i]) }
        self = index
    }

    /// The enrolled descriptor nearest to `query`, whatever its distance.
    public func nearest(to query: FaceDescriptor) -> Match? {
        guard !isEmpty else { return nil }
        let q = Self.chunks(of: query)
        var best = -1
        var bestSquared = Float.infinity
        rows.withUnsafeBufferPointer { rows in
            for row in 0..<count {
                let d = Self.squaredDistance(rows, row: row, query: q)
                if d < bestSquared {
                    bestSquared = d
                    best = row
                }
            }
        }
        return Match(label: labels[best], distance: descriptors[best].distance(to: query), position: best)
    }

    /// The nearest match if it is within `tolerance`, else nil (an unknown person).
    public func identify(_ query: FaceDescriptor, tolerance: Double) -> Match? {
        guard let match = nearest(to: query), match.distance <= tolerance else { return nil }
        return match
    }

    /// For each label, its nearest descriptor, nearest label first.
    public func nearestPerLabel(to query: FaceDescriptor) -> [Match] {
        var best: [Label: Match] = [:]
        for (position, descriptor) in descriptors.enumerated() {
            let candidate = Match(label: labels[position], distance: descriptor.distance(to: query), position: position)
            if let current = best[candidate.label], current.distance <= candidate.distance { continue }
            best[candidate.label] = candidate
        }
        return best.values.sorted { ($0.distance, $0.position) < ($1.distance, $1.position) }
    }

    private static func chunks(of descriptor: FaceDescriptor) -> [Chunk] {
        (0..<chunksPerRow).map { c in Chunk(descriptor.values[c * Chunk.scalarCount..<(c + 1) * Chunk.scalarCount]) }
    }

    @inline(__always)
    private static func squaredDistance(_ rows: UnsafeBufferPointer<Chunk>, row: Int, query: [Chunk]) -> Float {
        let base = row * chunksPerRow
        var sum = Chunk()
        for c in 0..<chunksPerRow {
            let d = rows[base + c] - query[c]
            sum.addProduct(d, d)
        }
        return sum.sum()
    }
}
