import FaceEngine

/// The pictures of one camera frame that recognition may need, each decoded
/// only when first asked for: the frame at 1/8 of its size in gray (every frame:
/// for movement), in gray at full size (where faces are looked for), and in
/// colour (only when a face is described). Most frames never need the last two.
final class FramePictures {
    private let jpeg: [UInt8]?
    private var colorImage: RGBImage?
    private var grayImage: GrayImage?
    private var motionImage: GrayImage?
    private let stages: StageClock
    let width: Int
    let height: Int

    /// A camera frame as it came (JPEG); a PNG or anything else is decoded in colour at once.
    init(encoded: [UInt8], stages: StageClock) throws {
        self.stages = stages
        if encoded.starts(with: [0xFF, 0xD8]) {
            jpeg = encoded
            (width, height) = try stages.measure(.decode) { try GrayImage.size(ofJPEG: encoded) }
        } else {
            jpeg = nil
            let image = try stages.measure(.decode) { try RGBImage(decoding: encoded) }
            (width, height, colorImage) = (image.width, image.height, image)
        }
    }

    /// A frame already decoded (tests, and callers that have the picture).
    init(image: RGBImage, stages: StageClock) {
        self.stages = stages
        jpeg = nil
        (width, height, colorImage) = (image.width, image.height, image)
    }

    var bounds: FaceBox { FaceBox(top: 0, right: width, bottom: height, left: 0) }

    /// Gray at 1/8: one value per 8x8 block (a JPEG's DC coefficients, nearly free to decode).
    func motion() throws -> GrayImage {
        if let motionImage { return motionImage }
        let image: GrayImage
        if let jpeg {
            image = try stages.measure(.decode) { try GrayImage(decodingJPEG: jpeg, scaledDownBy: 8) }
        } else {
            // gray() counts its own decoding: only the shrinking is counted here.
            let gray = try gray()
            image = stages.measure(.decode) { MotionMap.eighth(of: gray) }
        }
        motionImage = image
        return image
    }

    func gray() throws -> GrayImage {
        if let grayImage { return grayImage }
        let image: GrayImage
        if let jpeg {
            image = try stages.measure(.decode) { try GrayImage(decodingJPEG: jpeg) }
        } else {
            let color = try color()
            image = stages.measure(.decode) { GrayImage(color) }
        }
        grayImage = image
        return image
    }

    func color() throws -> RGBImage {
        if let colorImage { return colorImage }
        // Only a JPEG frame starts without its colour picture.
        let image = try stages.measure(.decode) { try RGBImage(decodingJPEG: jpeg!, scaledDownBy: 1) }
        colorImage = image
        return image
    }
}
