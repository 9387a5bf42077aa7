import FaceEngine

/// A scene rendered: every frame as a camera gives it (JPEG), with the scene it shows.
public struct EntranceClip: Sendable {
    public let scene: EntranceScene
    public let frames: [[UInt8]]

    /// Renders `scene` with each walker cut out of their photo (`cutouts[identity/photo]`).
    public static func render(_ scene: EntranceScene, cutouts: [String: PortraitCutout], quality: Int = 85) throws -> EntranceClip {
        let room = EntranceRoom(width: scene.width, height: scene.height)
        var cache: [String: (image: RGBImage, alpha: [UInt8], faceCentre: (x: Int, y: Int))] = [:]
        var frames: [[UInt8]] = []
        frames.reserveCapacity(scene.frameCount)
        for number in 0..<scene.frameCount {
            var pixels = room.frame(number)
            let time = scene.time(ofFrame: number)
            // Farther (smaller) faces first: nearer people stand in front of them.
            let present = scene.walkers.compactMap { walker in walker.face(at: time).map { (walker, $0) } }.sorted { $0.1.width < $1.1.width }
            for (walker, face) in present {
                guard let cutout = cutouts[walker.identity + "/" + walker.photo] else { continue }
                let width = max(8, Int(face.width.rounded()))
                let key = "\(walker.identity)/\(walker.photo)@\(width)"
                let drawn = cache[key] ?? cutout.rendered(faceWidth: width)
                cache[key] = drawn
                blend(drawn.image, alpha: drawn.alpha, into: &pixels, width: scene.width, height: scene.height,
                      x: Int(face.x.rounded()) - drawn.faceCentre.x, y: Int(face.y.rounded()) - drawn.faceCentre.y)
            }
            frames.append(try RGBImage(width: scene.width, height: scene.height, pixels: pixels).jpegData(quality: quality))
        }
        return EntranceClip(scene: scene, frames: frames)
    }

    static func blend(_ image: RGBImage, alpha: [UInt8], into pixels: inout [UInt8], width: Int, height: Int, x: Int, y: Int) {
        let firstRow = max(0, -y), endRow = min(image.height, height - y)
        let firstColumn = max(0, -x), endColumn = min(image.width, width - x)
        guard firstRow < endRow, firstColumn < endColumn else { return }
        let rows = firstRow..<endRow, columns = firstColumn..<endColumn
        image.pixels.withUnsafeBufferPointer { source in
            for row in rows {
                for column in columns {
                    let a = Int(alpha[row * image.width + column])
                    guard a > 0 else { continue }
                    let s = (row * image.width + column) * 3, t = ((row + y) * width + column + x) * 3
                    for c in 0..<3 { pixels[t + c] = UInt8((Int(source[s + c]) * a + Int(pixels[t + c]) * (255 - a) + 127) / 255) }
                }
            }
        }
    }
}
