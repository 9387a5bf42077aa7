import FaceEngine
import Foundation
import TestSupport
import Testing

/// face_recognition's command line shrinks photos over 1600 px with Pillow's
/// `thumbnail(LANCZOS)` before looking for faces; ours must give the same bytes,
/// or boxes and descriptors would drift. Checked against Pillow itself.
@Suite("Pillow's thumbnail, byte for byte")
struct PillowThumbnailTests {
    /// Real photos made large: wide and tall, odd sizes, and one large enough
    /// for Pillow's first step (a whole-factor block reduction) to run.
    @Test(arguments: [(2_413, 1_811, "barack_obama/1.jpg"), (1_601, 2_977, "joe_biden/1.jpg"), (7_000, 4_999, "_groups/obama_biden_blue_room.jpg")])
    func sameBytesAsPillow(width: Int, height: Int, photo: String) async throws {
        let large = try Fixtures.image(photo).resized(width: width, height: height)
        let ours = large.pillowThumbnail(fittingIn: 1600)
        let pillows = try await PillowReference.thumbnail(of: large, fittingIn: 1600)
        #expect(ours.width == pillows.width && ours.height == pillows.height, "\(ours.width)x\(ours.height) vs \(pillows.width)x\(pillows.height)")
        let differing = zip(ours.pixels, pillows.pixels).filter { $0 != $1 }.count
        #expect(differing == 0 && ours.pixels.count == pillows.pixels.count, "\(differing) of \(pillows.pixels.count) bytes differ")
    }

    @Test func smallPhotosAreLeftAlone() throws {
        let photo = try Fixtures.image("barack_obama/1.jpg")
        #expect(photo.pillowThumbnail(fittingIn: 1600) == photo)
    }
}
