import DeviceAgent
import FaceEngine
import TestSupport
import Testing

/// Decided faces followed by their look between HOG searches: found where they
/// walked to, and handed back to HOG whenever the look is not clearly theirs,
/// another face is in the way, something moves beside them, or HOG is due.
@Suite("Following a decided face by its look")
struct FacePatchFollowerTests {
    let room = RGBImage.filled(width: 640, height: 480, red: 90, green: 110, blue: 120)

    /// A real face from the shared photos, cut out around dlib's box for it.
    func face(_ photo: String) async throws -> RGBImage {
        let image = try Fixtures.image(photo)
        let found = try await Fixtures.engine.faces(in: image, using: .hog(upsample: 1)).max { $0.box.area < $1.box.area }
        let box = try #require(found?.box, "no face in \(photo)")
        return image.cropped(to: box)
    }

    func frame(_ face: RGBImage, atX x: Int, y: Int) -> GrayImage { GrayImage(room.pasting(face, atX: x, y: y)) }

    func box(of face: RGBImage, atX x: Int, y: Int) -> FaceBox {
        FaceBox(top: y, right: x + face.width, bottom: y + face.height, left: x)
    }

    /// A follower whose track 1 was found by HOG at (200, 150).
    func anchored(on face: RGBImage) -> FacePatchFollower {
        var follower = FacePatchFollower()
        follower.update(found: [(1, box(of: face, atX: 200, y: 150))], followedByLook: [], tracks: [1], in: frame(face, atX: 200, y: 150))
        return follower
    }

    @Test func aFaceThatWalkedOnIsFoundWhereItWentUntilHOGIsDue() async throws {
        let salley = try await face("john_salley/1.jpg")
        var follower = anchored(on: salley)
        var x = 200
        for step in 1...follower.settings.searchEvery {
            x += salley.width / 4
            let followed = follower.follow(1, in: frame(salley, atX: x, y: 150 + step * 3), others: [], movement: [])
            let found = try #require(followed, "step \(step): found by its look")
            #expect(abs(found.left - x) <= 2 && abs(found.top - (150 + step * 3)) <= 2, "step \(step): \(found) where it went")
            follower.update(found: [(1, found)], followedByLook: [1], tracks: [1], in: nil)
        }
        let due = follower.follow(1, in: frame(salley, atX: x, y: 159), others: [], movement: [])
        #expect(due == nil, "after \(follower.settings.searchEvery) follows by look, HOG finds it again")
    }

    @Test func someoneElseWhereItWasIsLeftToHOG() async throws {
        let salley = try await face("john_salley/1.jpg"), biden = try await face("joe_biden/1.jpg")
        var follower = anchored(on: salley)
        let resized = biden.resized(width: salley.width, height: salley.height)
        let other = follower.follow(1, in: frame(resized, atX: 210, y: 150), others: [], movement: [])
        #expect(other == nil, "another person's face does not pass for the followed one")
    }

    @Test func anotherFaceInTheWayOrMovementBesideIsLeftToHOG() async throws {
        let salley = try await face("john_salley/1.jpg")
        let moved = frame(salley, atX: 220, y: 150), there = box(of: salley, atX: 220, y: 150)
        var follower = anchored(on: salley)
        let inTheWay = follower.follow(1, in: moved, others: [there], movement: [])
        #expect(inTheWay == nil, "never onto a face followed on another track")
        let beside = FaceBox(top: there.top + 8, right: there.right + 38, bottom: there.top + 16, left: there.right + 30)
        let besideIt = follower.follow(1, in: moved, others: [], movement: [beside])
        #expect(besideIt == nil, "something moving at head height beside it may be a face")
        let shoulders = FaceBox(top: there.bottom + 8, right: there.right + 24, bottom: there.bottom + 16, left: there.right + 16)
        let belowIt = follower.follow(1, in: moved, others: [], movement: [shoulders])
        #expect(belowIt != nil, "its own shoulders moving below it are not")
    }

    @Test func aTrackNoLongerFollowedIsForgotten() async throws {
        let salley = try await face("john_salley/1.jpg")
        var follower = anchored(on: salley)
        follower.update(found: [], followedByLook: [], tracks: [], in: nil)
        let forgotten = follower.follow(1, in: frame(salley, atX: 200, y: 150), others: [], movement: [])
        #expect(forgotten == nil)
    }
}
