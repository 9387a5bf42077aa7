import FaceEngine

/// A person cut out of a photo, head and shoulders, with a soft oval edge, ready
/// to be drawn into a frame with their face at a given size.
public struct PortraitCutout: Sendable {
    /// The photo's face box (found by the face engine), which the path's face width refers to.
    public let face: FaceBox
    private let photo: RGBImage

    /// Room around the face, in face widths: the cut-out is 2.4 faces wide, from 0.9 above the face to 1.9 below it.
    static let side = 0.7, above = 0.9, below = 1.9

    public init(photo: RGBImage, face: FaceBox) {
        self.photo = photo
        self.face = face
    }

    /// The cut-out with the face `faceWidth` pixels wide: its pixels, their coverage (0...255),
    /// and where the face's centre is inside it.
    public func rendered(faceWidth: Int) -> (image: RGBImage, alpha: [UInt8], faceCentre: (x: Int, y: Int)) {
        let scale = Double(faceWidth) / Double(max(1, face.width))
        let w = Double(face.width)
        let region = FaceBox(top: Int(Double(face.top) - Self.above * w), right: Int(Double(face.right) + Self.side * w),
                             bottom: Int(Double(face.bottom) + Self.below * w), left: Int(Double(face.left) - Self.side * w))
        let source = photo.cropped(to: region)
        let clippedLeft = max(0, region.left), clippedTop = max(0, region.top)
        let width = max(1, Int(Double(source.width) * scale)), height = max(1, Int(Double(source.height) * scale))
        let image = Self.shrink(source, width: width, height: height)
        // The face's centre, and an oval around head and shoulders whose edge fades over a few pixels.
        let cx = (Double(face.left + face.right) / 2 - Double(clippedLeft)) * scale
        let cy = (Double(face.top + face.bottom) / 2 - Double(clippedTop)) * scale
        let radiusX = 1.15 * Double(faceWidth), radiusY = 2.0 * Double(faceWidth)
        let centreY = cy + 0.55 * Double(faceWidth)
        let feather = max(2.0, Double(faceWidth) * 0.08)
        var alpha = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let dx = (Double(x) - cx) / radiusX, dy = (Double(y) - centreY) / radiusY
                let oval = (1 - (dx * dx + dy * dy).squareRoot()) * min(radiusX, radiusY) / feather
                // A photo cropped close to the face fades at its own edges too, instead of ending in a hard square.
                let border = Double(min(x, y, width - 1 - x, height - 1 - y)) / feather
                alpha[y * width + x] = UInt8(max(0, min(255, min(oval, border) * 255)))
            }
        }
        return (image, alpha, (Int(cx.rounded()), Int(cy.rounded())))
    }

    /// Shrinks by averaging whole blocks first (so a large photo made small does not
    /// shimmer), then bilinear for the rest; enlarges bilinear.
    static func shrink(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let factor = min(image.width / max(1, width), image.height / max(1, height))
        guard factor >= 2 else { return image.resized(width: width, height: height) }
        let w = image.width / factor, h = image.height / factor
        var out = [UInt8](repeating: 0, count: w * h * 3)
        image.pixels.withUnsafeBufferPointer { src in
            for y in 0..<h {
                for x in 0..<w {
                    var sums = (0, 0, 0)
                    for sy in y * factor..<(y + 1) * factor {
                        for sx in x * factor..<(x + 1) * factor {
                            let p = (sy * image.width + sx) * 3
                            sums.0 += Int(src[p]); sums.1 += Int(src[p + 1]); sums.2 += Int(src[p + 2])
                        }
                    }
                    let n = factor * factor, o = (y * w + x) * 3
                    out[o] = UInt8(sums.0 / n); out[o + 1] = UInt8(sums.1 / n); out[o + 2] = UInt8(sums.2 / n)
                }
            }
        }
        return RGBImage(width: w, height: h, pixels: out).resized(width: width, height: height)
    }
}
