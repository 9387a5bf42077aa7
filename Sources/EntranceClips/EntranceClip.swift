import FaceEngine

/// A scene rendered: every frame as a camera gives it (JPEG), with the scene it shows.
public struct EntranceClip: Sendable {
    public let scene: EntranceScene
    public let frames: [[UInt8]]
    /// For each walker, the first frame in which their face is wholly inside the picture
    /// and at most a tenth of it covered by anyone drawn in front (nil: never): a face hidden
    /// behind someone walking in front cannot be recognised, so its time to mark starts later.
    public let firstFullyVisibleFrames: [Int?]

    /// Renders `scene` with each walker cut out of their photo (`cutouts[identity/photo]`).
    public static func render(_ scene: EntranceScene, cutouts: [String: PortraitCutout], quality: Int = 85) throws -> EntranceClip {
        let room = EntranceRoom(width: scene.width, height: scene.height)
        var cache: [String: (image: RGBImage, alpha: [UInt8], faceCentre: (x: Int, y: Int))] = [:]
        var frames: [[UInt8]] = []
        var firstVisible = [Int?](repeating: nil, count: scene.walkers.count)
        frames.reserveCapacity(scene.frameCount)
        for number in 0..<scene.frameCount {
            var pixels = room.frame(number)
            var layers: [Layer] = []
            for (index, face) in scene.drawingOrder(inFrame: number) {
                let walker = scene.walkers[index]
                guard let cutout = cutouts[walker.identity + "/" + walker.photo] else { continue }
                let width = max(8, Int(face.width.rounded()))
                let key = "\(walker.identity)/\(walker.photo)@\(width)"
                let drawn = cache[key] ?? cutout.rendered(faceWidth: width)
                cache[key] = drawn
                let layer = Layer(walker: index, image: drawn.image, alpha: drawn.alpha,
                                  x: Int(face.x.rounded()) - drawn.faceCentre.x, y: Int(face.y.rounded()) - drawn.faceCentre.y)
                blend(layer.image, alpha: layer.alpha, into: &pixels, width: scene.width, height: scene.height, x: layer.x, y: layer.y)
                layers.append(layer)
            }
            for (position, layer) in layers.enumerated() where firstVisible[layer.walker] == nil {
                guard let box = scene.faceBox(of: layer.walker, inFrame: number), scene.isInsidePicture(box) else { continue }
                let inFront = layers[(position + 1)...], grid = EntranceScene.grid(over: box)
                let covered = grid.filter { point in inFront.contains { $0.covers(point) } }.count
                if covered * 10 <= grid.count { firstVisible[layer.walker] = number }  // at most a tenth
            }
            frames.append(try RGBImage(width: scene.width, height: scene.height, pixels: pixels).jpegData(quality: quality))
        }
        return EntranceClip(scene: scene, frames: frames, firstFullyVisibleFrames: firstVisible)
    }

    /// A walker's cut-out where it is drawn in one frame.
    struct Layer {
        let walker: Int
        let image: RGBImage
        let alpha: [UInt8]
        let x: Int
        let y: Int

        /// Whether the cut-out hides the picture's `point` (more than half opaque there).
        func covers(_ point: (x: Int, y: Int)) -> Bool {
            let column = point.x - x, row = point.y - y
            guard column >= 0, row >= 0, column < image.width, row < image.height else { return false }
            return alpha[row * image.width + column] > 127
        }
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
