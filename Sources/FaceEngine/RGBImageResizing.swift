extension RGBImage {
    /// A bilinear resize: for making frames of a given size and for shrinking
    /// stream frames, not for anything the descriptors depend on.
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBImage {
        RGBImage(width: newWidth, height: newHeight,
                 pixels: Bilinear.resize(pixels, width: width, height: height, channels: 3, to: newWidth, newHeight))
    }

    /// This picture with `other` painted over it, its top-left corner at (x, y); clipped.
    public func pasting(_ other: RGBImage, atX x: Int, y: Int) -> RGBImage {
        var out = pixels
        let firstRow = max(0, -y), endRow = min(other.height, height - y)
        let firstColumn = max(0, -x), endColumn = min(other.width, width - x)
        guard firstRow < endRow, firstColumn < endColumn else { return self }
        let columns = firstColumn..<endColumn
        for row in firstRow..<endRow {
            let source = (row * other.width + columns.lowerBound) * 3
            let target = ((row + y) * width + columns.lowerBound + x) * 3
            out.replaceSubrange(target..<target + columns.count * 3, with: other.pixels[source..<source + columns.count * 3])
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// The part of this picture inside `box`, clipped to the picture (for
    /// looking for a face again near where it was).
    public func cropped(to box: FaceBox) -> RGBImage {
        let left = max(0, box.left), top = max(0, box.top)
        let right = min(width, box.right), bottom = min(height, box.bottom)
        guard right > left, bottom > top else { return RGBImage(width: 1, height: 1, pixels: [0, 0, 0]) }
        var out = [UInt8]()
        out.reserveCapacity((right - left) * (bottom - top) * 3)
        for row in top..<bottom {
            out.append(contentsOf: pixels[(row * width + left) * 3..<(row * width + right) * 3])
        }
        return RGBImage(width: right - left, height: bottom - top, pixels: out)
    }

    /// A picture of one colour.
    public static func filled(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) {
            pixels[i] = red
            pixels[i + 1] = green
            pixels[i + 2] = blue
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}

/// Bilinear resampling of interleaved 8-bit pixels, shared by the colour and gray pictures.
enum Bilinear {
    static func resize(_ pixels: [UInt8], width: Int, height: Int, channels: Int, to newWidth: Int, _ newHeight: Int) -> [UInt8] {
        precondition(newWidth > 0 && newHeight > 0)
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * channels)
        let xScale = Double(width) / Double(newWidth), yScale = Double(height) / Double(newHeight)
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<newHeight {
                let sy = max(0, (Double(y) + 0.5) * yScale - 0.5)
                let y0 = min(Int(sy), height - 1), y1 = min(y0 + 1, height - 1)
                let fy = sy - Double(y0)
                for x in 0..<newWidth {
                    let sx = max(0, (Double(x) + 0.5) * xScale - 0.5)
                    let x0 = min(Int(sx), width - 1), x1 = min(x0 + 1, width - 1)
                    let fx = sx - Double(x0)
                    for c in 0..<channels {
                        let top = Double(src[(y0 * width + x0) * channels + c]) * (1 - fx) + Double(src[(y0 * width + x1) * channels + c]) * fx
                        let bottom = Double(src[(y1 * width + x0) * channels + c]) * (1 - fx) + Double(src[(y1 * width + x1) * channels + c]) * fx
                        out[(y * newWidth + x) * channels + c] = UInt8((top * (1 - fy) + bottom * fy).rounded())
                    }
                }
            }
        }
        return out
    }
}
