import CFaceEngine
import Foundation

extension RGBImage {
    /// What Pillow's `thumbnail((side, side), LANCZOS)` makes of these pixels, to
    /// the byte: face_recognition's command line shrinks photos larger than
    /// 1600 px this way before looking for faces. (From pixels, as there: no
    /// JPEG draft mode.) Unchanged when it already fits.
    public func pillowThumbnail(fittingIn side: Int) -> RGBImage {
        guard let size = Self.pillowThumbnailSize(width: width, height: height, fittingIn: side),
              size != (width, height)
        else { return self }
        return pillowResizeLanczos(toWidth: size.width, height: size.height, reducingGap: 2.0)
    }

    /// Pillow's `preserve_aspect_ratio` inside `thumbnail`: nil when nothing needs to shrink.
    static func pillowThumbnailSize(width: Int, height: Int, fittingIn side: Int) -> (width: Int, height: Int)? {
        var (x, y) = (side, side)
        if x >= width && y >= height { return nil }
        let aspect = Double(width) / Double(height)
        // The floor or the ceiling, whichever keeps the aspect closer (the floor on a tie), at least 1.
        func roundAspect(_ number: Double, closeness: (Int) -> Double) -> Int {
            let low = Int(number.rounded(.down)), high = Int(number.rounded(.up))
            return max(closeness(high) < closeness(low) ? high : low, 1)
        }
        if Double(x) / Double(y) >= aspect {
            x = roundAspect(Double(y) * aspect) { abs(aspect - Double($0) / Double(y)) }
        } else {
            y = roundAspect(Double(x) / aspect) { $0 == 0 ? 0 : abs(aspect - Double(x) / Double($0)) }
        }
        return (x, y)
    }

    /// Pillow's `resize(size, LANCZOS, reducing_gap=...)`: first a block-mean
    /// reduction by a whole factor when the picture is more than `reducingGap`
    /// times too large, then Lanczos resampling of the rest.
    private func pillowResizeLanczos(toWidth newWidth: Int, height newHeight: Int, reducingGap: Double) -> RGBImage {
        var source = self
        var box = (Double(0), Double(0), Double(width), Double(height))
        let factorX = max(1, Int(box.2 / Double(newWidth) / reducingGap))
        let factorY = max(1, Int(box.3 / Double(newHeight) / reducingGap))
        if factorX > 1 || factorY > 1 {
            // Pillow's _get_safe_box: the pixels the filter reaches, whole.
            let support = 3.0 - 0.5
            let supportX = support * (box.2 - box.0) / Double(newWidth)
            let supportY = support * (box.3 - box.1) / Double(newHeight)
            let reduceBox = (max(0, Int(box.0 - supportX)), max(0, Int(box.1 - supportY)),
                             min(width, Int((box.2 + supportX).rounded(.up))), min(height, Int((box.3 + supportY).rounded(.up))))
            source = pillowReduce(factorX, factorY, left: reduceBox.0, top: reduceBox.1,
                                  width: reduceBox.2 - reduceBox.0, height: reduceBox.3 - reduceBox.1)
            box = ((box.0 - Double(reduceBox.0)) / Double(factorX), (box.1 - Double(reduceBox.1)) / Double(factorY),
                   (box.2 - Double(reduceBox.0)) / Double(factorX), (box.3 - Double(reduceBox.1)) / Double(factorY))
        }
        return source.pillowLanczos(box: [Float(box.0), Float(box.1), Float(box.2), Float(box.3)], width: newWidth, height: newHeight)
    }

    private func pillowReduce(_ xscale: Int, _ yscale: Int, left: Int, top: Int, width boxWidth: Int, height boxHeight: Int) -> RGBImage {
        let outWidth = (boxWidth + xscale - 1) / xscale, outHeight = (boxHeight + yscale - 1) / yscale
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * 3)
        let box = [Int32(left), Int32(top), Int32(boxWidth), Int32(boxHeight)]
        try! withPixels { pixels in
            out.withUnsafeMutableBufferPointer { stfe_pil_reduce(pixels, Int32(xscale), Int32(yscale), box, $0.baseAddress) }
        }
        return RGBImage(width: outWidth, height: outHeight, pixels: out)
    }

    private func pillowLanczos(box: [Float], width newWidth: Int, height newHeight: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        // The box and sizes come from the arithmetic above and always lie inside
        // the picture, so the bridge's argument check cannot fail here.
        try! withPixels { pixels throws(FaceEngineError) in
            try out.withUnsafeMutableBufferPointer { buffer throws(FaceEngineError) in
                try bridged { stfe_pil_resize_lanczos(pixels, box, Int32(newWidth), Int32(newHeight), buffer.baseAddress, $0) }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }
}
