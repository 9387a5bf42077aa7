import Foundation

/// How well a gallery of enrolled people identifies probe photos in an open
/// set: probes of enrolled people should be named, correctly; probes of people
/// not enrolled (strangers) should not be named at all. What a school runs on
/// its own photos before choosing a tolerance and a margin (`faces evaluate`).
///
/// Distances are taken as the device takes them: from a probe to each enrolled
/// person's nearest photo. A *genuine* pair is a probe and their own enrolled
/// photos, an *impostor* pair a probe and anyone else's.
public struct OpenSetEvaluation: Sendable {
    public struct Sample: Sendable {
        public let person: String
        public let descriptor: FaceDescriptor

        public init(person: String, descriptor: FaceDescriptor) {
            self.person = person
            self.descriptor = descriptor
        }
    }

    /// What the rule did with the probes at one tolerance and margin.
    public struct Outcome: Sendable, Equatable {
        public let rule: IdentificationRule
        public var enrolledProbes = 0
        /// Enrolled people named as themselves.
        public var genuineAccepted = 0
        /// Enrolled people named as someone else.
        public var wronglyIdentified = 0
        /// Enrolled people refused as near two students (nobody named).
        public var genuineUnsure = 0
        public var strangerProbes = 0
        /// Strangers named as a student.
        public var strangersAccepted = 0

        public init(rule: IdentificationRule) {
            self.rule = rule
        }
    }

    /// Expected rates for a roster of `size` people, from the measured distances.
    public struct Projection: Sendable, Equatable {
        public let size: Int
        /// A stranger's face named as some student.
        public let strangerAccepted: Double
        /// An enrolled student's face named as another student.
        public let mixUp: Double
        /// An enrolled student's face named as themselves.
        public let genuineAccepted: Double
    }

    public let gallery: FaceIndex<String>
    public let probes: [Sample]
    /// Sorted ascending.
    public let genuineDistances: [Double]
    /// Sorted ascending.
    public let impostorDistances: [Double]

    public init(gallery samples: [Sample], probes: [Sample]) {
        var gallery = FaceIndex<String>()
        for sample in samples { gallery.add(sample.descriptor, label: sample.person) }
        self.gallery = gallery
        self.probes = probes
        var genuine: [Double] = [], impostor: [Double] = []
        for probe in probes {
            for match in gallery.nearestPerLabel(to: probe.descriptor) {
                if match.label == probe.person { genuine.append(match.distance) } else { impostor.append(match.distance) }
            }
        }
        genuineDistances = genuine.sorted()
        impostorDistances = impostor.sorted()
    }

    public var enrolledPeople: Set<String> { Set(gallery.labels) }

    public func outcome(_ rule: IdentificationRule) -> Outcome {
        var outcome = Outcome(rule: rule)
        let enrolled = enrolledPeople
        for probe in probes {
            let verdict = rule.verdict(for: probe.descriptor, in: gallery)
            if enrolled.contains(probe.person) {
                outcome.enrolledProbes += 1
                switch verdict {
                case .identified(let person, _) where person == probe.person: outcome.genuineAccepted += 1
                case .identified: outcome.wronglyIdentified += 1
                case .ambiguous: outcome.genuineUnsure += 1
                case .stranger: break
                }
            } else {
                outcome.strangerProbes += 1
                if verdict.label != nil { outcome.strangersAccepted += 1 }
            }
        }
        return outcome
    }

    /// The share of impostor pairs within `distance`: how often one person is taken for one other.
    public func falseMatchRate(within distance: Double) -> Double {
        Self.share(of: impostorDistances, within: distance)
    }

    /// Expected rates for a roster of `size`, treating each of a face's distances to the
    /// roster's people as independent draws from the measured distributions (an
    /// approximation: look-alikes cluster, so real rosters of similar faces do worse).
    ///
    /// With r = 1 + margin: a stranger is named when their nearest student x is within the
    /// tolerance and every other student is at least r·x away: the sum over measured impostor
    /// distances x_i ≤ tolerance of (size / M) · (1 − F(r·x_i))^(size − 1), F the impostor CDF.
    /// An enrolled face at genuine distance g is named as themselves when g ≤ tolerance and
    /// the others are all beyond r·g, and as someone else when an impostor x is within the
    /// tolerance, g ≥ r·x and the rest are beyond r·x; averaged over the measured g.
    public func projection(size: Int, rule: IdentificationRule) -> Projection {
        let others = Double(max(0, size - 1))
        let impostors = impostorDistances, count = Double(impostorDistances.count)
        guard !impostors.isEmpty else {
            let accepted = Double(genuineDistances.filter { $0 <= rule.tolerance }.count) / Double(max(1, genuineDistances.count))
            return Projection(size: size, strangerAccepted: 0, mixUp: 0, genuineAccepted: accepted)
        }
        let beyond = { (distance: Double) in 1 - Self.share(of: impostors, within: distance, strictly: true) }
        let r = 1 + rule.margin
        var stranger = 0.0
        for x in impostors where x <= rule.tolerance {
            stranger += Double(size) / count * pow(beyond(r * x), others)
        }
        var mixUp = 0.0, genuine = 0.0
        for g in genuineDistances {
            if g <= rule.tolerance { genuine += pow(beyond(r * g), others) }
            guard size > 1 else { continue }
            for x in impostors where x <= rule.tolerance && r * x <= g {
                mixUp += others / count * pow(beyond(r * x), others - 1)
            }
        }
        let probes = Double(max(1, genuineDistances.count))
        return Projection(size: size, strangerAccepted: min(1, stranger), mixUp: min(1, mixUp / probes), genuineAccepted: genuine / probes)
    }

    /// Counts of `values` in bins of `width` from 0 (the last bin takes everything beyond).
    public static func histogram(_ values: [Double], width: Double, bins: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        for value in values { counts[min(bins - 1, max(0, Int(value / width)))] += 1 }
        return counts
    }

    /// The share of the sorted `values` at most (or, `strictly`, below) `distance`.
    static func share(of values: [Double], within distance: Double, strictly: Bool = false) -> Double {
        guard !values.isEmpty else { return 0 }
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if strictly ? values[middle] < distance : values[middle] <= distance { low = middle + 1 } else { high = middle }
        }
        return Double(low) / Double(values.count)
    }
}
