import EntranceClips
import FaceEngine
import Testing

/// The benchmark times a mark from the moment a face is fully in view; a face
/// behind someone who stands in front of it is not, however long it has been in
/// the picture.
@Suite("Who is in view")
struct VisibilityTests {
    /// A plain photo with a face box in its middle: the renderer needs no real face to draw a cut-out.
    static let cutout = PortraitCutout(photo: RGBImage(width: 300, height: 400, pixels: [UInt8](repeating: 128, count: 300 * 400 * 3)),
                                       face: FaceBox(top: 120, right: 190, bottom: 200, left: 110))

    @Test func aFaceBehindSomeoneIsInViewOnlyOnceItComesOut() throws {
        // "front" stands at x 320 with a 60 px face; "behind" (40 px: farther, drawn first) starts right behind
        // them and walks to x 600 in 4 s; "alone" walks on the left where nobody covers them.
        let scene = EntranceScene(name: "behind", duration: 4, walkers: [
            .init("front", photo: "p", enrolled: true, path: [.init(0, x: 320, y: 200, faceWidth: 60), .init(4, x: 320, y: 200, faceWidth: 60)]),
            .init("behind", photo: "p", enrolled: true, path: [.init(0, x: 320, y: 200, faceWidth: 40), .init(4, x: 600, y: 200, faceWidth: 40)]),
            .init("alone", photo: "p", enrolled: true, path: [.init(0, x: -40, y: 200, faceWidth: 40), .init(4, x: 160, y: 200, faceWidth: 40)]),
        ])
        let clip = try EntranceClip.render(scene, cutouts: ["front/p": Self.cutout, "behind/p": Self.cutout, "alone/p": Self.cutout])
        #expect(clip.firstFullyVisibleFrames[0] == 0)
        // The front cut-out is 2.4 faces (144 px) wide: the 40 px face behind is out from under it when its
        // centre is about 72 + 20 px to the right, x ≈ 412, which it reaches at frame 60 * 92 / 280 ≈ 20.
        let behind = try #require(clip.firstFullyVisibleFrames[1])
        #expect((14...24).contains(behind), "first fully in view at frame \(behind)")
        // Inside the picture from the frame its left edge passes 0 (x 20: frame 60 * 60 / 200 = 18), nothing covers it.
        let alone = try #require(clip.firstFullyVisibleFrames[2])
        #expect(alone == (0..<scene.frameCount).first { scene.faceBox(of: 2, inFrame: $0).map(scene.isInsidePicture) == true })
        #expect((17...19).contains(alone))
    }

    @Test func someoneAlwaysPartlyBehindAnotherIsNeverFullyInView() throws {
        let scene = EntranceScene(name: "always behind", duration: 2, walkers: [
            .init("front", photo: "p", enrolled: true, path: [.init(0, x: 300, y: 200, faceWidth: 60), .init(2, x: 400, y: 200, faceWidth: 60)]),
            .init("behind", photo: "p", enrolled: true, path: [.init(0, x: 330, y: 190, faceWidth: 40), .init(2, x: 430, y: 190, faceWidth: 40)]),
        ])
        let clip = try EntranceClip.render(scene, cutouts: ["front/p": Self.cutout, "behind/p": Self.cutout])
        #expect(clip.firstFullyVisibleFrames == [0, nil])
    }
}
