/// A photo offered for the roster, checked before it is stored: a complete
/// JPEG or PNG, within the byte and pixel limits.
public struct PhotoUpload: Sendable {
    public enum Format: String, Sendable {
        case jpeg, png

        public var contentType: String { self == .jpeg ? "image/jpeg" : "image/png" }
    }

    public static let defaultMaxBytes = 10 * 1024 * 1024
    public static let defaultMaxPixels = 40_000_000

    public let bytes: [UInt8]
    public let format: Format
    public let width: Int
    public let height: Int
    /// What the server's enrolment check found in it, kept with the photo.
    public var face: PhotoFace?

    public init(bytes: [UInt8], maxBytes: Int = defaultMaxBytes, maxPixels: Int = defaultMaxPixels) throws {
        guard !bytes.isEmpty else { throw StoreError(.invalid, "the photo is empty") }
        guard bytes.count <= maxBytes else {
            throw StoreError(.invalid, "the photo is \(bytes.count) bytes, more than the limit of \(maxBytes)")
        }
        let header: (Format, Int, Int)
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            header = try Self.jpegHeader(bytes)
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            header = try Self.pngHeader(bytes)
        } else {
            throw StoreError(.invalid, "the photo is not a JPEG or PNG image")
        }
        (format, width, height) = header
        guard width > 0, height > 0 else { throw StoreError(.invalid, "the photo has no size") }
        // A header may claim 4 billion by 4 billion: the product must not overflow.
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw StoreError(.invalid, "the photo is \(width)x\(height) pixels, more than the limit of \(maxPixels)")
        }
        self.bytes = bytes
    }

    private static func jpegHeader(_ b: [UInt8]) throws -> (Format, Int, Int) {
        // The end-of-image marker must be there: a cut-off upload is refused.
        guard b.suffix(64).indices.contains(where: { $0 + 1 < b.count && b[$0] == 0xFF && b[$0 + 1] == 0xD9 }) else {
            throw StoreError(.invalid, "the JPEG photo is truncated (no end-of-image marker)")
        }
        var i = 2
        while i + 9 < b.count {
            guard b[i] == 0xFF else { throw StoreError(.invalid, "the JPEG photo is corrupt (bad marker at byte \(i))") }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            let isFrame = (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)
            if isFrame {
                return (.jpeg, Int(b[i + 7]) << 8 | Int(b[i + 8]), Int(b[i + 5]) << 8 | Int(b[i + 6]))
            }
            guard length >= 2 else { throw StoreError(.invalid, "the JPEG photo is corrupt (bad segment length)") }
            i += 2 + length
        }
        throw StoreError(.invalid, "the JPEG photo has no frame header")
    }

    private static func pngHeader(_ b: [UInt8]) throws -> (Format, Int, Int) {
        guard b.count >= 33, Array(b[12..<16]) == Array("IHDR".utf8) else {
            throw StoreError(.invalid, "the PNG photo is corrupt (no IHDR chunk)")
        }
        guard b.count >= 12, Array(b[(b.count - 8)..<(b.count - 4)]) == Array("IEND".utf8) else {
            throw StoreError(.invalid, "the PNG photo is truncated (no IEND chunk)")
        }
        func be32(_ at: Int) -> Int { Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3]) }
        return (.png, be32(16), be32(20))
    }
}
