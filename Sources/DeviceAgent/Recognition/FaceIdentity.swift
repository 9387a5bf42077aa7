import FaceEngine

/// Who one followed face is, from its descriptions: a face is named when its
/// latest `confirmations` descriptions each name the same student, or when
/// they pooled together (`DescriptorPool`: the noise of single frames averaged
/// out) name a student that at least `confirmations` of them named alone.
/// Every naming passes the open-set rule (`IdentificationRule`: near enough
/// and clearly nearer than anyone else). A face near two students stays
/// undecided for up to `patience` descriptions, then is called `unsure` (the
/// person is asked to look at the camera) and is described again now and then
/// until it is clear.
public struct FaceIdentity: Sendable {
    /// What a description, or all of them together, said.
    public enum Candidate: Hashable, Sendable {
        case student(String)
        case unknown
        /// Near enough to a student, but nearly as near to another: nobody is marked.
        case unsure

        /// The student's id; nil for an unknown or unsure face.
        public var studentId: String? { if case .student(let id) = self { id } else { nil } }

        /// How a report names it: a student's id, "unknown" or "unsure".
        public var reportName: String {
            switch self {
            case .student(let id): id
            case .unknown: "unknown"
            case .unsure: "unsure"
            }
        }

        public init(_ verdict: IdentificationRule.Verdict<String>) {
            switch verdict {
            case .identified(let id, _): self = .student(id)
            case .stranger: self = .unknown
            case .ambiguous: self = .unsure
            }
        }
    }

    public struct Settings: Sendable, Equatable {
        /// Single descriptions that must name the same person (or nobody) before a face is decided.
        public var confirmations = 2
        /// Descriptions after which a face still near two students is called unsure.
        public var patience = 6
        /// Descriptions pooled (the latest ones).
        public var pooled = 10
        public init() {}
    }

    /// A decision: who, and the pooled descriptor's distance to the nearest enrolled face.
    public struct Decision: Sendable, Equatable {
        public let who: Candidate
        public let distance: Double?
    }

    public let settings: Settings
    public private(set) var decided: Candidate?
    private var pool: DescriptorPool
    /// What each pooled description said by itself, in the same order.
    private var votes: [Candidate] = []

    public init(settings: Settings = Settings()) {
        self.settings = settings
        pool = DescriptorPool(capacity: settings.pooled)
    }

    public var descriptions: Int { pool.count }

    /// The descriptions pooled into one (nil before the first).
    public var pooledDescriptor: FaceDescriptor? { pool.pooled }

    /// Forgets everything: the face may be someone else's now.
    public mutating func reset() {
        pool.removeAll()
        votes.removeAll()
        decided = nil
    }

    /// Adds one description (`weight`: how much to trust it; larger faces describe better).
    /// Returns a decision when this description makes one or changes it.
    public mutating func add(_ descriptor: FaceDescriptor, weight: Double,
                             judge: (FaceDescriptor) -> IdentificationRule.Verdict<String>) -> Decision? {
        let single = judge(descriptor)
        let alone = Candidate(single)
        if let decided, decided != .unsure, alone != decided {
            // A recheck that disagrees: the face may have been swapped for another. Start again from what is seen now.
            reset()
        }
        pool.add(descriptor, weight: weight)
        votes.append(alone)
        if votes.count > pool.count { votes.removeFirst(votes.count - pool.count) }
        guard decided == nil || decided == .unsure, pool.count >= settings.confirmations, let pooled = pool.pooled else { return nil }
        // The latest descriptions agreeing, each clear on its own, decide at once; a face
        // seen small or turned, whose single descriptions waver, is decided by the pool.
        if case .student = alone, votes.suffix(settings.confirmations).allSatisfy({ $0 == alone }) {
            decided = alone
            return Decision(who: alone, distance: single.nearestDistance)
        }
        let verdict = judge(pooled)
        let candidate = Candidate(verdict)
        switch candidate {
        case .student, .unknown:
            guard votes.filter({ $0 == candidate }).count >= settings.confirmations else { return nil }
        case .unsure:
            guard decided == nil, pool.count >= settings.patience else { return nil }
        }
        decided = candidate
        return Decision(who: candidate, distance: verdict.nearestDistance)
    }
}
