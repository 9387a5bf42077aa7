import CFaceEngine

/// An 8-bit gray picture: what the recognition loop looks at for movement and
/// for faces. HOG finds the same faces in gray as in colour for a third of the
/// gradient work, and a camera frame decodes to gray (and at 1/2 to 1/8 of its
/// size) for a fraction of a full colour decode.
public struct GrayImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height, "gray buffer does not match \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A JPEG camera frame, decoded at 1/`denominator` (1, 2, 4 or 8) of its size.
    public init(decodingJPEG bytes: [UInt8], scaledDownBy denominator: Int = 1) throws(FaceEngineError) {
        let (width, height) = try CameraJPEG.size(of: bytes, scaledDownBy: denominator)
        self.init(width: width, height: height,
                  pixels: try CameraJPEG.decode(bytes, scaledDownBy: denominator, gray: true, width: width, height: height))
    }

    /// The size of a JPEG camera frame, from its header alone.
    public static func size(ofJPEG bytes: [UInt8]) throws(FaceEngineError) -> (width: Int, height: Int) {
        try CameraJPEG.size(of: bytes, scaledDownBy: 1)
    }

    /// The luma of a colour picture (OpenCV's RGB2GRAY weights: 0.299, 0.587, 0.114).
    public init(_ image: RGBImage) {
        var gray = [UInt8](repeating: 0, count: image.width * image.height)
        image.pixels.withUnsafeBufferPointer { rgb in
            for i in gray.indices {
                let r = Int(rgb[3 * i]), g = Int(rgb[3 * i + 1]), b = Int(rgb[3 * i + 2])
                gray[i] = UInt8((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14)
            }
        }
        self.init(width: image.width, height: image.height, pixels: gray)
    }

    /// The histogram spread over 0...255, as OpenCV's equalizeHist (what the original device did before HOG).
    public func equalized() -> GrayImage {
        var copy = pixels
        copy.withUnsafeMutableBufferPointer { stfe_equalize_gray($0.baseAddress, Int32(width), Int32(height)) }
        return GrayImage(width: width, height: height, pixels: copy)
    }

    /// The part inside `box` (clipped to the picture).
    public func cropped(to box: FaceBox) -> GrayImage {
        let left = max(0, min(width - 1, box.left)), top = max(0, min(height - 1, box.top))
        let right = max(left + 1, min(width, box.right)), bottom = max(top + 1, min(height, box.bottom))
        var out = [UInt8]()
        out.reserveCapacity((right - left) * (bottom - top))
        for y in top..<bottom { out += pixels[(y * width + left)..<(y * width + right)] }
        return GrayImage(width: right - left, height: bottom - top, pixels: out)
    }

    /// Enlarged by bilinear interpolation: a small face brought just above HOG's
    /// 80-pixel window costs a fraction of HOG's own 2x upsampling.
    public func enlarged(width newWidth: Int, height newHeight: Int) -> GrayImage {
        GrayImage(width: newWidth, height: newHeight,
                  pixels: Bilinear.resize(pixels, width: width, height: height, channels: 1, to: newWidth, newHeight))
    }

    /// Shrunk to `newWidth` x `newHeight` by averaging the source pixels under each
    /// target pixel (for shrinking a big face before HOG).
    public func shrunk(width newWidth: Int, height newHeight: Int) -> GrayImage {
        let newWidth = max(1, min(width, newWidth)), newHeight = max(1, min(height, newHeight))
        var out = [UInt8](repeating: 0, count: newWidth * newHeight)
        pixels.withUnsafeBufferPointer { source in
            for y in 0..<newHeight {
                let y0 = y * height / newHeight, y1 = max(y0 + 1, (y + 1) * height / newHeight)
                for x in 0..<newWidth {
                    let x0 = x * width / newWidth, x1 = max(x0 + 1, (x + 1) * width / newWidth)
                    var sum = 0
                    for sy in y0..<y1 { for sx in x0..<x1 { sum += Int(source[sy * width + sx]) } }
                    out[y * newWidth + x] = UInt8(sum / ((y1 - y0) * (x1 - x0)))
                }
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }
}

extension RGBImage {
    /// A JPEG camera frame, decoded at 1/`denominator` (1, 2, 4 or 8) of its size
    /// (straight into the picture's buffer, with libjpeg's accurate defaults).
    public init(decodingJPEG bytes: [UInt8], scaledDownBy denominator: Int) throws(FaceEngineError) {
        let (width, height) = try CameraJPEG.size(of: bytes, scaledDownBy: denominator)
        self.init(width: width, height: height,
                  pixels: try CameraJPEG.decode(bytes, scaledDownBy: denominator, gray: false, width: width, height: height))
    }
}

extension FaceWorker {
    /// HOG on a gray picture, as `detect(_:with: .hog(upsample:))` on a colour one.
    public func detect(_ image: GrayImage, upsample: Int) throws(FaceEngineError) -> [Detection] {
        var capacity = 64
        while true {
            var rects = [stfe_rect](repeating: stfe_rect(), count: capacity)
            var count: Int32 = 0
            try image.pixels.withUnsafeBufferPointer { buffer throws(FaceEngineError) in
                try bridged {
                    stfe_detect_hog_gray(handle, buffer.baseAddress, Int32(image.width), Int32(image.height), Int32(upsample), &rects,
                                         Int32(capacity), &count, $0)
                }
            }
            if Int(count) <= capacity { return rects.prefix(Int(count)).map(Detection.init) }
            capacity = Int(count)
        }
    }
}

/// libjpeg-turbo's scaled decoding of camera frames.
enum CameraJPEG {
    static func size(of bytes: [UInt8], scaledDownBy denominator: Int) throws(FaceEngineError) -> (Int, Int) {
        var width: Int32 = 0, height: Int32 = 0
        try bytes.withUnsafeBufferPointer { buffer throws(FaceEngineError) in
            try bridged { stfe_jpeg_scaled_size(buffer.baseAddress, buffer.count, Int32(denominator), &width, &height, $0) }
        }
        return (Int(width), Int(height))
    }

    /// Zero-filled first: a frame refused half-way leaves nothing uninitialised behind.
    static func decode(_ bytes: [UInt8], scaledDownBy denominator: Int, gray: Bool, width: Int, height: Int) throws(FaceEngineError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height * (gray ? 1 : 3))
        try bytes.withUnsafeBufferPointer { input throws(FaceEngineError) in
            try out.withUnsafeMutableBufferPointer { output throws(FaceEngineError) in
                try bridged {
                    stfe_jpeg_decode_scaled(input.baseAddress, input.count, Int32(denominator), gray ? 1 : 0, output.baseAddress,
                                            Int32(width), Int32(height), $0)
                }
            }
        }
        return out
    }
}
