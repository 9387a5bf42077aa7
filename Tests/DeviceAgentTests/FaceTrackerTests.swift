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
        #expect(tracker.observe(id, .student("ravi")) == nil, "a single description decides nothing")
        _ = tracker.advance([box(2, 0)])
        #expect(tracker.observe(id, .student("asha")) == nil, "disagreement starts over")
        _ = tracker.advance([box(4, 0)])
        #expect(tracker.observe(id, .student("asha")) == .student("asha"), "two in a row decide")
        _ = tracker.advance([box(6, 0)])
        #expect(!tracker.needsDescription(id), "a decided face is not described on every frame")
    }

    @Test func decidedFacesAreRecheckedAndUnknownsDecidedToo() {
        var settings = FaceTracker.Settings()
        settings.recheckEvery = 3
        var tracker = FaceTracker(settings: settings)
        let id = tracker.advance([box(0, 0)])[0]
        _ = tracker.observe(id, .unknown)
        _ = tracker.advance([box(0, 0)])
        #expect(tracker.observe(id, .unknown) == .unknown)
        for _ in 0..<3 { _ = tracker.advance([box(0, 0)]) }
        #expect(tracker.needsDescription(id), "rechecked after 3 frames")
        #expect(tracker.observe(id, .student("asha")) == nil, "a recheck that disagrees undoes the decision")
        #expect(tracker.tracks.first?.decided == nil)
    }

    @Test func unseenTracksAreDropped() {
        var tracker = FaceTracker()
        let id = tracker.advance([box(0, 0)])[0]
        for _ in 0..<6 { _ = tracker.advance([]) }
        #expect(tracker.tracks.isEmpty)
        #expect(tracker.advance([box(0, 0)])[0] != id, "coming back is a new track")
    }
}
