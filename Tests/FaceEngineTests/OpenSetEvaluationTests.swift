import FaceEngine
import Foundation
import Testing

/// `faces evaluate`'s numbers on a case small enough to work out by hand.
///
/// Enrolled: A (axis 0) and B (axis 1). Probes: A seen well (0.3 from A), A seen
/// badly (0.58 from A), and a stranger S (0.55 from A). Every probe is √2 from B.
/// So the same-person distances are {0.3, 0.58}, the different-people ones
/// {0.55, √2, √2, √2}.
@Suite("Open-set evaluation")
struct OpenSetEvaluationTests {
    /// A unit descriptor along `axis`, turned towards `towards` so that it is `chord` away from the axis.
    static func face(_ axis: Int, towards: Int? = nil, chord: Double = 0) -> FaceDescriptor {
        OpenSetRuleTests.face(axis, towards: towards, tilt: 2 * asin(chord / 2))
    }

    static let evaluation = OpenSetEvaluation(
        gallery: [.init(person: "A", descriptor: face(0)), .init(person: "B", descriptor: face(1))],
        probes: [.init(person: "A", descriptor: face(0, towards: 2, chord: 0.3)),
                 .init(person: "A", descriptor: face(0, towards: 4, chord: 0.58)),
                 .init(person: "S", descriptor: face(0, towards: 3, chord: 0.55))])

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-5 }

    @Test func distancesAreSplitIntoSamePersonAndDifferentPeople() {
        let e = Self.evaluation
        #expect(e.genuineDistances.count == 2 && close(e.genuineDistances[0], 0.3) && close(e.genuineDistances[1], 0.58))
        #expect(e.impostorDistances.count == 4 && close(e.impostorDistances[0], 0.55))
        #expect(e.impostorDistances.dropFirst().allSatisfy { close($0, 2.0.squareRoot()) })
        #expect(e.falseMatchRate(within: 0.6) == 0.25 && e.falseMatchRate(within: 0.5) == 0)
        #expect(OpenSetEvaluation.histogram(e.genuineDistances + e.impostorDistances, width: 0.5, bins: 3) == [1, 2, 3])
    }

    @Test func outcomesFollowTheRule() {
        let e = Self.evaluation
        var strict = OpenSetEvaluation.Outcome(rule: IdentificationRule(tolerance: 0.5, margin: 0))
        (strict.enrolledProbes, strict.genuineAccepted, strict.strangerProbes) = (2, 1, 1)
        #expect(e.outcome(strict.rule) == strict, "0.5: the good photo named, the bad one and the stranger not")
        var loose = OpenSetEvaluation.Outcome(rule: IdentificationRule(tolerance: 0.6, margin: 0))
        (loose.enrolledProbes, loose.genuineAccepted, loose.strangerProbes, loose.strangersAccepted) = (2, 2, 1, 1)
        #expect(e.outcome(loose.rule) == loose, "0.6: both photos of A named, and the stranger taken for A")
        // A margin of 1.5 (B must be 2.5 times as far): 0.3 · 2.5 and 0.55 · 2.5 are within √2, 0.58 · 2.5 is not.
        var wide = OpenSetEvaluation.Outcome(rule: IdentificationRule(tolerance: 0.6, margin: 1.5))
        (wide.enrolledProbes, wide.genuineAccepted, wide.genuineUnsure, wide.strangerProbes, wide.strangersAccepted) = (2, 1, 1, 1, 1)
        #expect(e.outcome(wide.rule) == wide)
    }

    @Test func projectionsMatchTheHandComputedOnes() {
        let e = Self.evaluation
        let rule = IdentificationRule(tolerance: 0.6, margin: 0)
        // One student: a stranger is named when their one distance is within 0.6: 1 in 4.
        let one = e.projection(size: 1, rule: rule)
        #expect(close(one.strangerAccepted, 0.25) && one.mixUp == 0 && close(one.genuineAccepted, 1))
        // Two: 2 · (1/4) · P(other ≥ 0.55) = 0.5. Mix-up only for the bad photo (0.58 ≥ 0.55):
        // (1/4) · 1, averaged over two probes = 0.125. Named: (1 + P(other ≥ 0.58) = 0.75) / 2.
        let two = e.projection(size: 2, rule: rule)
        #expect(close(two.strangerAccepted, 0.5) && close(two.mixUp, 0.125) && close(two.genuineAccepted, 0.875))
        // With a margin of 0.1 the other must be beyond 0.55 · 1.1 = 0.605: P = 3/4, so 2 · 1/4 · 3/4 = 0.375;
        // the bad photo (0.58) is no longer beyond 0.605: no mix-up.
        let margined = e.projection(size: 2, rule: IdentificationRule(tolerance: 0.6, margin: 0.1))
        #expect(close(margined.strangerAccepted, 0.375) && margined.mixUp == 0)
        #expect(close(margined.genuineAccepted, (1 + 0.75) / 2), "others beyond 0.33: all; beyond 0.638: 3 in 4")
    }
}
