import FaceEngine
import Foundation
import Testing

/// Open-set identification: the two nearest people, the rule that names one,
/// and descriptions pooled across frames.
@Suite("Deciding who a face is")
struct OpenSetRuleTests {
    /// A descriptor `length` long pointing along `axis`, tilted towards `towards` by `tilt` (radians).
    static func face(_ axis: Int, towards: Int? = nil, tilt: Double = 0, length: Double = 1) -> FaceDescriptor {
        var values = [Float](repeating: 0, count: FaceDescriptor.length)
        values[axis] = Float(cos(tilt) * length)
        if let towards { values[towards] = Float(sin(tilt) * length) }
        return try! FaceDescriptor(values)
    }

    @Test func twoNearestLabelsAgreeWithSortingEveryLabelsBestPhoto() throws {
        let d = FaceIndexTests.descriptors(600, seed: 11)
        var index = FaceIndex<Int>()
        for (i, descriptor) in d.prefix(500).enumerated() { index.add(descriptor, label: i % 37) }
        for query in d.suffix(100) {
            let expected = index.nearestPerLabel(to: query)
            let found = index.twoNearestLabels(to: query)
            #expect(found.best?.label == expected[0].label && found.best?.distance == expected[0].distance)
            #expect(found.runnerUp?.label == expected[1].label && found.runnerUp?.distance == expected[1].distance)
        }
        var one = FaceIndex<String>()
        one.add(d[0], label: "asha")
        one.add(d[1], label: "asha")
        #expect(one.twoNearestLabels(to: d[1]).best?.distance == 0)
        #expect(one.twoNearestLabels(to: d[1]).runnerUp == nil, "one person's two photos: no runner-up")
        #expect(FaceIndex<String>().twoNearestLabels(to: d[0]).best == nil)
    }

    @Test func aStudentIsNamedOnlyWhenNearEnoughAndClearlyNearest() {
        var index = FaceIndex<String>()
        index.add(Self.face(0), label: "asha")
        index.add(Self.face(1), label: "ravi")
        // Twins 0.3 apart (chord of 0.3 rad on the unit circle is 0.2989).
        index.add(Self.face(2), label: "twin a")
        index.add(Self.face(2, towards: 3, tilt: 0.3), label: "twin b")
        let rule = IdentificationRule(tolerance: 0.5, margin: 0.25)

        let asha = rule.verdict(for: Self.face(0, towards: 5, tilt: 0.2), in: index)
        #expect(asha.label == "asha", "0.2 from Asha, 1.4 from anyone else")
        #expect(abs((asha.nearestDistance ?? 0) - 2 * sin(0.1)) < 1e-6)
        #expect(rule.verdict(for: Self.face(5), in: index) == .stranger(nearest: 2.0.squareRoot()), "nobody within 0.5")
        #expect(IdentificationRule.standard.verdict(for: Self.face(5), in: FaceIndex<String>()) == .stranger(nearest: nil))
        // Half-way between the twins: 0.15 from each: refused.
        guard case .ambiguous(let best, let runnerUp, let distances) = rule.verdict(for: Self.face(2, towards: 3, tilt: 0.15), in: index) else {
            Issue.record("a face between two students must be ambiguous")
            return
        }
        #expect(Set([best, runnerUp]) == ["twin a", "twin b"] && abs(distances.0 - distances.1) < 1e-6)
        // Nearer one twin: 0.06 from a, 0.24 from b, four times as far.
        #expect(rule.verdict(for: Self.face(2, towards: 3, tilt: 0.06), in: index).label == "twin a")
        // 0.12 from a, 0.18 from b: 1.5 times as far passes 0.25, not 0.6.
        #expect(rule.verdict(for: Self.face(2, towards: 3, tilt: 0.12), in: index).label == "twin a")
        #expect(IdentificationRule(tolerance: 0.5, margin: 0.6).verdict(for: Self.face(2, towards: 3, tilt: 0.12), in: index).label == nil)
        // Margin 0 is face_recognition's rule: the nearest within the tolerance.
        #expect(IdentificationRule(tolerance: 0.5, margin: 0).verdict(for: Self.face(2, towards: 3, tilt: 0.14), in: index).label == "twin a")
    }

    @Test func poolingAveragesDirectionsAtTheDescriptionsLength() throws {
        var pool = DescriptorPool(capacity: 3)
        #expect(pool.pooled == nil && pool.spread == 0)
        pool.add(Self.face(0, towards: 1, tilt: 0.2, length: 2))
        pool.add(Self.face(0, towards: 1, tilt: -0.2, length: 1))
        let pooled = try #require(pool.pooled)
        // Unit directions averaged: along axis 0; length the mean of 2 and 1.
        #expect(abs(Double(pooled.values[0]) - 1.5) < 1e-6 && abs(Double(pooled.values[1])) < 1e-6)
        #expect(abs(pool.spread - (pool.entries.map { $0.descriptor.distance(to: pooled) }.reduce(0, +) / 2)) < 1e-12)
        // Weights: a description trusted three times as much pulls the direction three times as hard.
        var weighted = DescriptorPool()
        weighted.add(Self.face(0), weight: 3)
        weighted.add(Self.face(1), weight: 1)
        let w = try #require(weighted.pooled)
        #expect(abs(Double(w.values[0] / w.values[1]) - 3) < 1e-5)
        // Only the latest `capacity` are kept.
        for axis in 2..<6 { pool.add(Self.face(axis)) }
        #expect(pool.count == 3 && pool.entries.map { $0.descriptor.values.firstIndex(of: 1)! } == [3, 4, 5])
    }

    @Test func lookAlikesAreNamedOncePerPairAndAStrayPhotoIsFound() {
        var index = FaceIndex<String>()
        index.add(Self.face(0), label: "asha")
        index.add(Self.face(0, towards: 1, tilt: 0.1), label: "asha")
        index.add(Self.face(2), label: "asha")  // a photo of someone else
        index.add(Self.face(2, towards: 3, tilt: 0.4), label: "ravi")
        index.add(Self.face(2, towards: 3, tilt: 0.3), label: "ravi")
        let pairs = index.lookAlikes(within: 0.5)
        #expect(pairs.count == 1 && Set([pairs[0].first, pairs[0].second]) == ["asha", "ravi"])
        #expect(abs(pairs[0].distance - 2 * sin(0.15)) < 1e-6, "the closest of their photos")
        #expect(index.lookAlikes(within: 0.2).isEmpty)
        let stray = index.outlyingPhotos(beyond: 0.5)
        #expect(stray.map(\.person) == ["asha"] && stray.map(\.position) == [2], "Asha's third photo, far from her other two")
    }
}
