/// dlib's 128-d face descriptor. Two faces are one person when the Euclidean
/// distance between their descriptors is at most the tolerance.
public struct FaceDescriptor: Hashable, Sendable, Codable {
    public static let length = 128

    public let values: [Float]

    public init(_ values: [Float]) throws(FaceEngineError) {
        guard values.count == Self.length else {
            throw FaceEngineError(.invalidArgument, "a face descriptor has \(Self.length) values, not \(values.count)")
        }
        guard values.allSatisfy(\.isFinite) else {
            throw FaceEngineError(.invalidArgument, "a face descriptor holds a value that is not a finite number")
        }
        self.values = values
    }

    init(unchecked values: [Float]) {
        self.values = values
    }

    /// Euclidean distance, summed in double precision as numpy's `linalg.norm` does.
    public func distance(to other: FaceDescriptor) -> Double {
        var sum = 0.0
        for i in 0..<Self.length {
            let d = Double(values[i]) - Double(other.values[i])
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// face_recognition's `compare_faces` for one pair.
    public func matches(_ other: FaceDescriptor, tolerance: Double = 0.6) -> Bool {
        distance(to: other) <= tolerance
    }

    /// The values as little-endian bytes, for storing in a database.
    public var bytes: [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    public init(bytes: some Collection<UInt8>) throws(FaceEngineError) {
        guard bytes.count == Self.length * MemoryLayout<Float>.size else {
            throw FaceEngineError(.invalidArgument, "a stored face descriptor has \(bytes.count) bytes, expected \(Self.length * 4)")
        }
        var values = [Float](repeating: 0, count: Self.length)
        values.withUnsafeMutableBytes { $0.copyBytes(from: bytes) }
        try self.init(values)
    }
}
