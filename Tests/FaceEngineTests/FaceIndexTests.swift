import FaceEngine
import Testing

@Suite("Nearest-descriptor search")
struct FaceIndexTests {
    /// Deterministic pseudo-random descriptors of face-like scale.
    static func descriptors(_ count: Int, seed: UInt64) -> [FaceDescriptor] {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 2000) / 10000
        }
        return (0..<count).map { _ in try! FaceDescriptor((0..<128).map { _ in next() }) }
    }

    /// 2,000 rows take the one-core path, 20,000 the path that splits the scan.
    @Test(arguments: [2_000, 20_000])
    func nearestAgreesWithExhaustiveDoubleSearch(size: Int) throws {
        let enrolled = Self.descriptors(size, seed: 1)
        var index = FaceIndex<Int>()
        for (i, d) in enrolled.enumerated() { index.add(d, label: i / 3) }
        for query in Self.descriptors(20, seed: 2) + [enrolled[size - 1]] {
            let expected = enrolled.indices.min { enrolled[$0].distance(to: query) < enrolled[$1].distance(to: query) }!
            let found = try #require(index.nearest(to: query))
            #expect(found.position == expected)
            #expect(found.label == expected / 3)
            #expect(found.distance == enrolled[expected].distance(to: query))
        }
    }

    @Test func toleranceAndRemoval() throws {
        let d = Self.descriptors(3, seed: 7)
        var index = FaceIndex<String>()
        index.add(d[0], label: "asha")
        index.add(d[1], label: "ravi")
        #expect(index.identify(d[0], tolerance: 0.5)?.label == "asha")
        #expect(index.identify(d[2], tolerance: 0.01) == nil, "a stranger far from everyone is unknown")
        index.removeAll { $0 == "asha" }
        #expect(index.count == 1)
        #expect(index.nearest(to: d[0])?.label == "ravi")
        #expect(FaceIndex<String>().nearest(to: d[0]) == nil)
    }

    @Test func nearestPerLabelKeepsEachPersonsBestPhoto() {
        let d = Self.descriptors(4, seed: 3)
        var index = FaceIndex<String>()
        index.add(d[0], label: "a")
        index.add(d[1], label: "a")
        index.add(d[2], label: "b")
        let matches = index.nearestPerLabel(to: d[1])
        #expect(matches.map(\.label) == ["a", "b"])
        #expect(matches[0].distance == 0)
    }

    @Test func descriptorValidationAndBytes() throws {
        #expect(throws: FaceEngineError.self) { try FaceDescriptor([1, 2, 3]) }
        #expect(throws: FaceEngineError.self) { try FaceDescriptor([Float](repeating: .nan, count: 128)) }
        let d = Self.descriptors(1, seed: 9)[0]
        #expect(try FaceDescriptor(bytes: d.bytes) == d)
        #expect(throws: FaceEngineError.self) { try FaceDescriptor(bytes: [0, 1]) }
    }
}
