import DeviceAgent
import FaceEngine
import Testing

/// Where the recognizer looks: the whole frame at first and every so often,
/// around followed faces and around movement in between, the whole frame again when movement stops.
@Suite("Where to look for faces")
struct ScanPlannerTests {
    let room = RGBImage.filled(width: 640, height: 480, red: 90, green: 110, blue: 120)
    let face = FaceBox(top: 100, right: 400, bottom: 280, left: 220)

    @Test func stillFramesAreSearchedOnlyAroundFollowedFacesAndWhollyEverySoOften() {
        var planner = ScanPlanner()
        #expect(planner.plan(for: room, following: [], upsample: 1) == .wholeFrame(upsample: 1))
        #expect(planner.plan(for: room, following: [], upsample: 1) == .regions([]), "nothing moved, nobody followed: nothing to do")
        guard case .regions(let regions) = planner.plan(for: room, following: [face], upsample: 1) else {
            Issue.record("a followed face is looked for around where it was")
            return
        }
        #expect(regions.count == 1)
        let area = regions[0].area
        #expect(area.left <= face.left && area.right >= face.right && area.top <= face.top && area.bottom >= face.bottom)
        #expect(regions[0].upsample == 0 && regions[0].scale < 1, "a large face: shrunk, no upsampling")
        for _ in 0..<(planner.settings.fullScanEvery - 3) { _ = planner.plan(for: room, following: [], upsample: 1) }
        #expect(planner.plan(for: room, following: [], upsample: 1) == .wholeFrame(upsample: 1), "every fullScanEvery frames")
    }

    @Test func movementIsSearchedAndItsEndTriggersAFullSearch() {
        var planner = ScanPlanner()
        _ = planner.plan(for: room, following: [], upsample: 1)
        let someone = room.pasting(.filled(width: 60, height: 80, red: 250, green: 250, blue: 250), atX: 500, y: 300)
        guard case .regions(let regions) = planner.plan(for: someone, following: [], upsample: 1), let moved = regions.first else {
            Issue.record("movement is searched")
            return
        }
        #expect(moved.area.left <= 500 && moved.area.right >= 560 && moved.area.top <= 300 && moved.area.bottom >= 380)
        #expect(moved.upsample == 1, "a small region is searched at full sensitivity")
        #expect(planner.plan(for: someone, following: [], upsample: 1) == .wholeFrame(upsample: 1), "movement stopped: look everywhere")
        let crowd = room.pasting(.filled(width: 600, height: 440, red: 10, green: 10, blue: 10), atX: 20, y: 20)
        #expect(planner.plan(for: crowd, following: [], upsample: 1) == .wholeFrame(upsample: 0), "most of the frame moved")
    }
}

@Suite("Stream quality")
struct StreamQualityTests {
    @Test func slowSendsStepDownOncePerSecondAndQuickOnesStepBackUp() {
        var quality = StreamQuality(maxWidth: 640, quality: 70)
        let start = ContinuousClock.now
        #expect(quality.level.maxWidth == 640 && quality.level.quality == 70)
        quality.sent(in: .milliseconds(150), interval: .milliseconds(200), now: start)
        #expect(quality.current == 0, "one slow frame is a hiccup")
        quality.sent(in: .milliseconds(150), interval: .milliseconds(200), now: start)
        #expect(quality.current == 1, "two in a row: a slow link")
        quality.congested(now: start + .milliseconds(500))
        #expect(quality.current == 1, "at most one step down a second")
        quality.congested(now: start + .milliseconds(1100))
        quality.congested(now: start + .milliseconds(2200))
        quality.congested(now: start + .milliseconds(3300))
        #expect(quality.current == quality.levels.count - 1 && quality.level.maxWidth == 240 && quality.level.quality == 40)
        for _ in 0..<10 { quality.sent(in: .milliseconds(10), interval: .milliseconds(200)) }
        #expect(quality.current == quality.levels.count - 2, "ten quick sends: one step up")
        for _ in 0..<30 { quality.sent(in: .milliseconds(10), interval: .milliseconds(200)) }
        #expect(quality.current == 0)
    }
}
