/// Descriptions of one face from several frames, pooled into one descriptor.
///
/// A single description carries the noise of its frame (blur, a turned head,
/// a few pixels of face); their mean carries less, so a person's pooled
/// descriptor is nearer their own photos than most single frames are, while a
/// look-alike's stays about as far as the two faces really are apart.
/// Each description is scaled to unit length before averaging (so a bright
/// frame does not count more than a dim one), and the mean is scaled back to
/// the descriptions' mean length, keeping distances in face_recognition's units.
public struct DescriptorPool: Sendable {
    public struct Entry: Sendable {
        public let descriptor: FaceDescriptor
        public let weight: Double
    }

    /// The most recent descriptions kept: older ones may be of a face that has since turned or moved.
    public let capacity: Int
    public private(set) var entries: [Entry] = []

    public init(capacity: Int = 10) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds a description; `weight` is how much to trust it (larger faces describe better).
    public mutating func add(_ descriptor: FaceDescriptor, weight: Double = 1) {
        entries.append(Entry(descriptor: descriptor, weight: max(weight, 1e-6)))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    public mutating func removeAll() {
        entries.removeAll()
    }

    /// The weighted mean of the unit-length descriptions, at their mean length; nil when empty.
    public var pooled: FaceDescriptor? {
        guard !entries.isEmpty else { return nil }
        var sum = [Double](repeating: 0, count: FaceDescriptor.length)
        var totalWeight = 0.0, meanLength = 0.0
        for entry in entries {
            let values = entry.descriptor.values
            let length = values.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard length > 0 else { continue }
            for i in sum.indices { sum[i] += entry.weight * Double(values[i]) / length }
            totalWeight += entry.weight
            meanLength += entry.weight * length
        }
        guard totalWeight > 0 else { return entries.last?.descriptor }
        meanLength /= totalWeight
        let sumLength = sum.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        guard sumLength > 0 else { return entries.last?.descriptor }
        return FaceDescriptor(unchecked: sum.map { Float($0 / sumLength * meanLength) })
    }

    /// How far the descriptions lie from their pooled descriptor on average (0: all alike).
    public var spread: Double {
        guard let pooled else { return 0 }
        return entries.reduce(0.0) { $0 + $1.descriptor.distance(to: pooled) } / Double(entries.count)
    }
}
