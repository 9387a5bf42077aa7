import DeviceAgent
import FaceEngine
import Testing

@Suite("Tracking and confirming faces")
struct FaceTrackerTests {
    func box(_ left: Int, _ top: Int, size: Int = 100) -> FaceBox {
        FaceBox(top: top, right: left + size, bottom: top + size, left: left)
    }

    @Test func aMovingFaceKeepsItsTrackAndANewFaceGetsItsOwn() {
        var tracker = FaceTracker()
        let first = tracker.advance([box(100, 100)])
        let moved = tracker.advance([box(110, 104), box(400, 100)])
        #expect(moved[0] == first[0], "the same face, a little further")
        #expect(moved[1] != first[0], "someone new")
        // Two faces passing close by keep their own tracks.
        let close = tracker.advance([box(405, 102), box(115, 106)])
        #expect(close == [moved[1], moved[0]])
    }

    @Test func oneBadFrameCannotDecide() {
        var tracker = FaceTracker()
        let id = tracker.advance([box(0, 0)])[0]
        #expect(tracker.observe(id, as: "ravi") == nil, "a single description decides nothing")
        _ = tracker.advance([box(2, 0)])
        #expect(tracker.observe(id, as: "asha") == nil, "disagreement starts over")
        _ = tracker.advance([box(4, 0)])
        #expect(tracker.observe(id, as: "asha") == .student("asha"), "two in a row decide")
        _ = tracker.advance([box(6, 0)])
        #expect(!tracker.needsDescription(id), "a decided face is not described on every frame")
    }

    @Test func decidedFacesAreRecheckedAndUnknownsDecidedToo() {
        var settings = FaceTracker.Settings()
        settings.recheckEvery = 3
        var tracker = FaceTracker(settings: settings)
        let id = tracker.advance([box(0, 0)])[0]
        _ = tracker.observe(id, as: "a stranger")
        _ = tracker.advance([box(0, 0)])
        #expect(tracker.observe(id, as: "a stranger") == .unknown)
        for _ in 0..<3 { _ = tracker.advance([box(0, 0)]) }
        #expect(tracker.needsDescription(id), "rechecked after 3 frames")
        #expect(tracker.observe(id, as: "asha") == nil, "a recheck that disagrees undoes the decision")
        #expect(tracker.tracks.first?.decided == nil)
    }

    @Test func aStrangerWhoseFaceHasComeMuchNearerIsDescribedAgain() {
        var tracker = FaceTracker()
        let id = tracker.advance([box(100, 100, size: 60)])[0]
        _ = tracker.observe(id, as: "a stranger")
        _ = tracker.advance([box(100, 100, size: 62)])
        #expect(tracker.observe(id, as: "a stranger") == .unknown)
        _ = tracker.advance([box(100, 100, size: 70)])
        #expect(!tracker.needsDescription(id), "a little nearer: still unknown")
        _ = tracker.advance([box(100, 100, size: 84)])
        #expect(tracker.needsDescription(id), "a third wider than when described: described again")
    }

    @Test func unseenTracksAreDropped() {
        var tracker = FaceTracker()
        let id = tracker.advance([box(0, 0)])[0]
        for _ in 0..<6 { _ = tracker.advance([]) }
        #expect(tracker.tracks.isEmpty)
        #expect(tracker.advance([box(0, 0)])[0] != id, "coming back is a new track")
    }

    /// A decided face, ready for the doubt tests: decided as Asha at `box(100, 100)`.
    func decidedAsha(_ settings: FaceTracker.Settings = FaceTracker.Settings()) -> (FaceTracker, Int) {
        var tracker = FaceTracker(settings: settings)
        let id = tracker.advance([box(100, 100)])[0]
        _ = tracker.observe(id, as: "asha")
        _ = tracker.advance([box(100, 100)])
        _ = tracker.observe(id, as: "asha")
        return (tracker, id)
    }

    @Test func aFaceFollowedStepByStepNeedsNoNewDescriptionButOneFoundByAJumpAfterAWhileDoes() {
        var (tracker, id) = decidedAsha()
        // Walking on, seen every few frames: a jump soon after the last sighting is the same person.
        _ = tracker.advance([], searched: [])
        #expect(tracker.advance([box(190, 100)]) == [id])
        #expect(!tracker.needsDescription(id), "followed closely: still Asha")
        // Out of sight for a while (not looked for), then a face turns up beside where she was.
        for _ in 0..<(tracker.settings.jumpMemory + 1) { _ = tracker.advance([], searched: []) }
        #expect(tracker.advance([box(290, 100)]) == [id])
        #expect(tracker.needsDescription(id), "a face found by a jump long after: described before it counts as Asha")
        #expect(tracker.observe(id, as: "ravi") == nil && tracker.tracks.first?.decided == nil, "someone else: undecided")
        #expect(tracker.observe(id, as: "ravi") == .student("ravi"), "two descriptions decide the newcomer")
    }

    @Test func aFaceLongOutOfSightIsDescribedAgainEvenWhereItWas() {
        var (tracker, id) = decidedAsha()
        for _ in 0..<(tracker.settings.outOfSightMemory - 1) { _ = tracker.advance([], searched: []) }
        #expect(tracker.advance([box(100, 100)]) == [id])
        #expect(!tracker.needsDescription(id), "back where it was within outOfSightMemory frames: the same")
        for _ in 0...tracker.settings.outOfSightMemory { _ = tracker.advance([], searched: []) }
        _ = tracker.advance([box(100, 100)])
        #expect(tracker.needsDescription(id), "out of sight longer: described again")
    }

    @Test func someoneStandingStillIsNotOutOfSightButAPlaceLeftEmptyIs() {
        var (tracker, id) = decidedAsha()
        // Nothing moved around her for longer than outOfSightMemory frames: not looked for, but there all along.
        for _ in 0...tracker.settings.outOfSightMemory { _ = tracker.advance([], searched: [], still: [id]) }
        #expect(tracker.advance([box(104, 100)]) == [id])
        #expect(!tracker.needsDescription(id), "stood still, then moved on: still Asha, no new description")
        // Looked for and not found (she walked out), then nothing moves there: that is not her standing still.
        _ = tracker.advance([], searched: [box(0, 0, size: 640)])
        for _ in 0...tracker.settings.outOfSightMemory { _ = tracker.advance([], searched: [], still: [id]) }
        #expect(tracker.advance([box(104, 100)]) == [id])
        #expect(tracker.needsDescription(id), "a face where she was, long after she was missed: described again")
    }

    @Test func aCutPutsEveryFaceInDoubt() {
        var (tracker, id) = decidedAsha()
        _ = tracker.advance([box(100, 100)])
        #expect(!tracker.needsDescription(id))
        tracker.doubtAll()
        #expect(tracker.needsDescription(id), "after a cut, whoever stands there may be someone else")
        #expect(tracker.observe(id, as: "asha") == nil, "the same person: no new decision, nothing marked twice")
        #expect(!tracker.needsDescription(id) && tracker.tracks.first?.decided == .student("asha"))
    }

    @Test func aChangedLookIsDescribedAgainOnlyAfterSomeSightings() {
        var settings = FaceTracker.Settings()
        settings.lookRecheckAfter = 3
        var tracker = FaceTracker(settings: settings)
        let dark = [UInt8](repeating: 20, count: 64), light = (0..<64).map { UInt8($0 * 4) }
        let id = tracker.advance([box(100, 100)]) { _ in dark }[0]
        _ = tracker.observe(id, as: "asha")
        _ = tracker.advance([box(100, 100)]) { _ in dark }
        _ = tracker.observe(id, as: "asha")
        _ = tracker.advance([box(100, 100)]) { _ in light }
        #expect(!tracker.needsDescription(id), "one changed look right after a description is not enough")
        for _ in 0..<2 { _ = tracker.advance([box(100, 100)]) { _ in light } }
        #expect(tracker.needsDescription(id), "still changed after lookRecheckAfter sightings: described again")
    }
}

/// People as descriptors, for tests of deciding: each enrolled person a direction
/// of their own (so two people are 1.41 apart), the twins 0.3 apart, and a
/// stranger in a direction nobody enrolled has.
enum People {
    static let names = ["asha", "ravi", "a stranger", "twin a", "twin b"]
    static let enrolled = ["asha", "ravi", "twin a", "twin b"]

    static func face(_ name: String) -> FaceDescriptor {
        var values = [Float](repeating: 0, count: FaceDescriptor.length)
        switch name {
        case "twin a": values[3] = 1
        case "twin b": values[3] = 0.955; values[4] = 0.296
        case "between the twins": values[3] = 0.989; values[4] = 0.149
        case "nearly asha": values[0] = 0.8648; values[5] = 0.5021  // 0.52 from asha, far from anyone else
        default: values[names.firstIndex(of: name)!] = 1
        }
        return try! FaceDescriptor(values)
    }

    static let index: FaceIndex<String> = {
        var index = FaceIndex<String>()
        for name in enrolled { index.add(face(name), label: name) }
        return index
    }()

    static func judge(_ descriptor: FaceDescriptor) -> IdentificationRule.Verdict<String> {
        IdentificationRule.standard.verdict(for: descriptor, in: index)
    }
}

extension FaceTrackerTests {
    @Test func aStrangerByAWhiskerIsDescribedAgainWhileItsPoolFills() {
        let box = FaceBox(top: 100, right: 300, bottom: 300, left: 100)
        for (person, nearly) in [("nearly asha", true), ("a stranger", false)] {
            var tracker = FaceTracker()
            let id = tracker.advance([box])[0]
            _ = tracker.observe(id, as: person)
            #expect(tracker.observe(id, as: person) == .unknown, "\(person): two descriptions decide")
            var described = 2
            for _ in 0..<30 {
                _ = tracker.advance([box])
                if let reason = tracker.descriptionReason(id) {
                    #expect(reason == .nearMiss, "\(person): \(reason)")
                    _ = tracker.observe(id, as: person)
                    described += 1
                }
            }
            let expected = nearly ? tracker.settings.identity.pooled : 2
            #expect(described == expected, "\(person): described \(described) times; a near miss until its pool is full, a clear stranger not again")
        }
    }
}

extension FaceTracker {
    /// Describes the face on track `id` as `person` looks.
    mutating func observe(_ id: Int, as person: String) -> Candidate? {
        observe(id, People.face(person), tolerance: IdentificationRule.standard.tolerance, judge: People.judge)?.who
    }
}
