import CFaceEngine
import Foundation

/// An 8-bit RGB picture, rows top to bottom, three bytes a pixel.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// The default limit against decompression bombs: 50 megapixels, more than any
    /// phone camera gives, about 150 MB once decoded.
    public static let defaultMaxPixels = 50_000_000

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "RGB buffer does not match \(width)x\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Decodes a JPEG or PNG the way face_recognition's `load_image_file` does.
    public init(decoding bytes: some DataProtocol, maxPixels: Int = RGBImage.defaultMaxPixels) throws(FaceEngineError) {
        let data = Array(bytes)
        var image = stfe_image()
        try data.withUnsafeBufferPointer { buffer throws(FaceEngineError) in
            try bridged { stfe_image_decode(buffer.baseAddress, buffer.count, UInt64(max(0, maxPixels)), &image, $0) }
        }
        defer { stfe_image_free(&image) }
        let count = Int(image.width) * Int(image.height) * 3
        self.init(width: Int(image.width), height: Int(image.height),
                  pixels: Array(UnsafeBufferPointer(start: image.rgb, count: count)))
    }

    /// Reads and decodes an image file.
    public init(contentsOfFile path: String, maxPixels: Int = RGBImage.defaultMaxPixels) throws(FaceEngineError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FaceEngineError(.unreadableFile, "cannot read \(path): \(Self.reason(error))")
        }
        do {
            try self.init(decoding: data, maxPixels: maxPixels)
        } catch {
            throw FaceEngineError(error.kind, "\(path): \(error.message)")
        }
    }

    /// Format and size from the header alone, for checking uploads before decoding them.
    public static func probe(_ bytes: some DataProtocol) throws(FaceEngineError) -> (format: ImageFormat, width: Int, height: Int) {
        let data = Array(bytes)
        var format = STFE_FORMAT_UNKNOWN
        var width: Int32 = 0, height: Int32 = 0
        try data.withUnsafeBufferPointer { buffer throws(FaceEngineError) in
            try bridged { stfe_image_probe(buffer.baseAddress, buffer.count, &format, &width, &height, $0) }
        }
        return (format == STFE_FORMAT_PNG ? .png : .jpeg, Int(width), Int(height))
    }

    /// The picture as a baseline JPEG (4:2:0).
    public func jpegData(quality: Int = 85) throws(FaceEngineError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        try withPixels { pixels throws(FaceEngineError) in
            try bridged { stfe_jpeg_encode(pixels, Int32(quality), &output, &length, $0) }
        }
        defer { stfe_buffer_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    func withPixels<R>(_ body: (stfe_pixels) throws(FaceEngineError) -> R) throws(FaceEngineError) -> R {
        try pixels.withUnsafeBufferPointer { buffer throws(FaceEngineError) in
            try body(stfe_pixels(rgb: buffer.baseAddress, width: Int32(width), height: Int32(height)))
        }
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return nsError.localizedDescription
    }
}

public enum ImageFormat: String, Sendable {
    case jpeg, png
}
