import EntranceClips
import FaceEngine

/// A pipeline's decisions on a clip, held against the clip's script: who was
/// marked, how soon after their face was fully in view, who was taken for
/// someone else, and which strangers were marked.
struct ClipScore {
    /// An enrolled person who walked in (each person once per clip, however often they came).
    struct Arrival {
        let identity: String
        /// Seconds from their face first being fully in view to the first decision naming them (nil: never).
        var timeToMark: Double?
    }

    /// The ceiling on a time to mark: arrivals slower than this are named.
    static let slowMark = 1.5

    var arrivals: [Arrival] = []
    /// Enrolled people whose face was never fully in view (always partly behind someone in
    /// front): not counted among the arrivals, but listed, with whether they were marked anyway.
    var hidden: [(identity: String, marked: Bool)] = []
    /// Decisions naming a student for a stranger's face.
    var strangersMarked = 0
    /// Decisions naming the wrong student for an enrolled person's face.
    var mixUps = 0
    /// Decisions no walker's face was near (a box on the wall).
    var unattributed = 0

    /// Nothing scored yet.
    init() {}

    init(_ decisions: [BenchDecision], clip: EntranceClip) {
        let scene = clip.scene
        var firstSeen: [String: Double] = [:]
        var neverInView = Set<String>()
        for (index, walker) in scene.walkers.enumerated() where walker.enrolled {
            guard let frame = clip.firstFullyVisibleFrames[index] else {
                neverInView.insert(walker.identity)
                continue
            }
            firstSeen[walker.identity] = min(firstSeen[walker.identity] ?? .infinity, scene.time(ofFrame: frame))
        }
        var marked: [String: Double] = [:]
        for decision in decisions {
            guard let index = scene.walker(at: decision.box, inFrame: decision.frame) else {
                unattributed += 1
                continue
            }
            let walker = scene.walkers[index]
            guard let label = decision.label else { continue }
            if !walker.enrolled {
                strangersMarked += 1
            } else if label != walker.identity {
                mixUps += 1
            } else if marked[label] == nil {
                marked[label] = decision.time
            }
        }
        hidden = neverInView.subtracting(firstSeen.keys).sorted().map { ($0, marked[$0] != nil) }
        arrivals = firstSeen.keys.sorted().map { identity in
            Arrival(identity: identity, timeToMark: marked[identity].map { max(0, $0 - firstSeen[identity]!) })
        }
    }

    var markedCount: Int { arrivals.filter { $0.timeToMark != nil }.count }
    var times: [Double] { arrivals.compactMap(\.timeToMark) }
}

extension Array where Element == Double {
    /// The median (nil when empty).
    var median: Double? {
        guard !isEmpty else { return nil }
        let sorted = self.sorted()
        return sorted.count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
    }
}
