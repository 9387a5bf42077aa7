import DeviceAgent
import FaceEngine
import Testing

/// Where the recognizer looks: the whole frame at first and every so often,
/// around followed faces and around movement in between, the whole frame again when movement stops.
@Suite("Where to look for faces")
struct ScanPlannerTests {
    let bounds = FaceBox(top: 0, right: 640, bottom: 480, left: 0)
    let room = RGBImage.filled(width: 640, height: 480, red: 90, green: 110, blue: 120)
    let face = FaceBox(top: 100, right: 400, bottom: 280, left: 220)

    func map(_ image: RGBImage) -> MotionMap { MotionMap(of: image) }
    func isWhole(_ regions: [ScanPlanner.Region], upsample: Int) -> Bool {
        regions.count == 1 && regions[0].area == bounds && regions[0].upsample == upsample && regions[0].following == nil
    }

    @Test func stillFramesAreSearchedOnlyAroundFollowedFacesAndWhollyEverySoOften() {
        var planner = ScanPlanner()
        #expect(isWhole(planner.plan(map(room), bounds: bounds, following: []), upsample: 1), "start-up: every face, small ones too")
        #expect(planner.plan(map(room), bounds: bounds, following: []).isEmpty, "nothing moved, nobody followed: nothing to do")
        let undecided = planner.plan(map(room), bounds: bounds, following: [.init(id: 7, box: face, decided: false)])
        #expect(undecided.count == 1 && undecided[0].following == 7, "a face not decided yet is looked for in every frame")
        let area = undecided[0].area
        #expect(area.left <= face.left && area.right >= face.right && area.top <= face.top && area.bottom >= face.bottom)
        #expect(undecided[0].upsample == 0 && undecided[0].scale < 1, "a large face: shrunk, no upsampling")
        for _ in 0..<5 {
            #expect(planner.plan(map(room), bounds: bounds, following: [.init(id: 7, box: face, decided: true)]).isEmpty,
                    "a decided face that does not move is not looked for")
            #expect(planner.stillFaces == [7], "and is told to be still where it was")
        }
        var whole = 0, planned = 3 + 5
        while whole == 0, planned < planner.settings.quietScanEvery + 2 {
            planned += 1
            if isWhole(planner.plan(map(room), bounds: bounds, following: []), upsample: 0) { whole = planned }
        }
        #expect(whole == planner.settings.quietScanEvery + 1, "a quiet doorway is searched whole every quietScanEvery frames")
    }

    @Test func movementIsSearchedNearItsTopAndItsEndTriggersASearchForSmallFaces() {
        var planner = ScanPlanner()
        _ = planner.plan(map(room), bounds: bounds, following: [])
        let someone = room.pasting(.filled(width: 64, height: 160, red: 250, green: 250, blue: 250), atX: 496, y: 240)
        let regions = planner.plan(map(someone), bounds: bounds, following: [])
        #expect(regions.count == 1, "movement is searched as soon as it starts")
        let moved = regions[0]
        #expect(moved.area.left <= 496 && moved.area.right >= 560 && moved.area.top <= 240, "around the blob, from its top")
        #expect(moved.area.bottom < 400, "not its whole height: heads are at the top")
        #expect(moved.upsample == 1, "a narrow blob has small faces: searched with upsampling")
        let settled = planner.plan(map(someone), bounds: bounds, following: [])
        #expect(settled.count == 1 && settled[0].upsample == 1 && settled[0].area.left <= 496 && settled[0].area.right >= 560,
                "movement stopped: where it was is searched once more at full sensitivity")
        #expect(planner.plan(map(someone), bounds: bounds, following: []).isEmpty, "and then left alone")
        let crowd = room.pasting(.filled(width: 600, height: 440, red: 10, green: 10, blue: 10), atX: 20, y: 20)
        #expect(isWhole(planner.plan(map(crowd), bounds: bounds, following: []), upsample: 0), "most of the frame changed: a cut")
    }

    @Test func movementUnderAFollowedFaceIsThatPersonsNotSomeoneNew() {
        var planner = ScanPlanner()
        _ = planner.plan(map(room), bounds: bounds, following: [])
        let followed = ScanPlanner.FollowedFace(id: 1, box: FaceBox(top: 60, right: 360, bottom: 140, left: 280), decided: true)
        let body = room.pasting(.filled(width: 80, height: 200, red: 240, green: 240, blue: 240), atX: 280, y: 150)
        var looked: [[ScanPlanner.Region]] = []
        var frame = room
        for step in 0..<6 {
            frame = step % 2 == 0 ? body : room
            looked.append(planner.plan(map(frame), bounds: bounds, following: [followed]))
        }
        #expect(looked.allSatisfy { $0.allSatisfy { $0.following == 1 } }, "no search for new faces under a followed one")
        #expect(looked.contains { !$0.isEmpty } && looked.contains { $0.isEmpty }, "a moving decided face: every few frames")
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
