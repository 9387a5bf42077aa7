import FaceEngine
import Foundation
import TestSupport
import Testing

@Suite("Decoding JPEG and PNG, and refusing bad files")
struct ImageDecodingTests {
    static let photo = Fixtures.face("barack_obama/1.jpg")

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    func expectFailure(_ kind: FaceEngineError.Kind, containing text: String, _ bytes: [UInt8],
                       sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try RGBImage(decoding: bytes)
            Issue.record("decoding succeeded, expected \(kind)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind, sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "message: \(error.message)", sourceLocation: sourceLocation)
        }
    }

    /// What the image-decode fuzz target found, kept in Fuzz/regressions: a JPEG whose
    /// tolerated warning (stray bytes) is followed by a fatal error was reported as
    /// decoded, with pixels never written (heap garbage instead of an error).
    @Test func fuzzFindingsAreRefused() throws {
        let folder = Fixtures.repositoryRoot + "/Fuzz/regressions/image-decode"
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(!names.isEmpty, "the regression inputs are in the repository")
        for name in names {
            expectFailure(.corruptImage, containing: "corrupt JPEG", try bytes(folder + "/" + name))
        }
    }

    /// A palette PNG with transparency decodes as PIL's convert('RGB') does: the
    /// palette's colours, transparency dropped (it was refused as "unexpected pixel layout").
    @Test func aPalettePNGWithTransparencyDecodesToItsColours() throws {
        let corpus = Fixtures.repositoryRoot + "/Fuzz/corpus/image-decode/"
        let transparent = try RGBImage(contentsOfFile: corpus + "palette-trns.png")
        #expect(transparent == (try RGBImage(contentsOfFile: corpus + "palette.png")))
    }

    @Test func emptyFile() {
        expectFailure(.notAnImage, containing: "empty", [])
    }

    @Test func textRenamedAsJPEG() throws {
        let directory = try Fixtures.scratchDirectory()
        let path = directory + "/notes.jpg"
        try Data("this is not a photo\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: FaceEngineError.self) { try RGBImage(contentsOfFile: path) }
        do { _ = try RGBImage(contentsOfFile: path) } catch {
            #expect(error.kind == .notAnImage)
            #expect(error.message.hasPrefix(path))
        }
    }

    @Test func truncatedJPEG() throws {
        let whole = try bytes(Self.photo)
        expectFailure(.corruptImage, containing: "truncated", Array(whole.prefix(whole.count / 2)))
        expectFailure(.corruptImage, containing: "JPEG", Array(whole.prefix(40)))
    }

    @Test func pngClaimingTenGigapixels() {
        expectFailure(.imageTooLarge, containing: "100000x100000", PNGBuilder.header(width: 100_000, height: 100_000))
    }

    @Test func pixelLimitIsCheckedBeforeDecoding() throws {
        #expect(throws: FaceEngineError.self) { try RGBImage(decoding: try bytes(Self.photo), maxPixels: 1000) }
        let probed = try RGBImage.probe(try bytes(Self.photo))
        #expect(probed.format == .jpeg && probed.width == 820 && probed.height == 1024)
    }

    @Test func missingFile() {
        do { _ = try RGBImage(contentsOfFile: "/nonexistent/photo.jpg") } catch {
            #expect(error.kind == .unreadableFile)
            #expect(error.message.contains("/nonexistent/photo.jpg"))
            return
        }
        Issue.record("a missing file decoded")
    }

    /// Converts the reference photo with ffmpeg (and jpegtran) and checks each variant.
    @Test func everyPixelFormatDecodesToTheSameRGB() async throws {
        let ffmpeg = try #require(which("ffmpeg"), "ffmpeg is needed (scripts/setup installs it)")
        let directory = try Fixtures.scratchDirectory()
        // Each variant is made from an 8-bit PNG, so that ffmpeg's conversion is exact
        // (v -> v * 257 for 16 bits) and the decoded pixels must be identical.
        func convert(_ name: String, _ pixelFormat: String, from source: String = "rgb.png") async throws -> RGBImage {
            let out = directory + "/" + name
            let input = name == "rgb.png" ? Self.photo : directory + "/" + source
            let result = try await runProcess(ffmpeg, ["-v", "error", "-y", "-i", input, "-pix_fmt", pixelFormat, out])
            try #require(result.status == 0, "ffmpeg: \(result.stderr)")
            return try RGBImage(contentsOfFile: out)
        }
        let rgb = try await convert("rgb.png", "rgb24")
        // ffmpeg's 8-to-16-bit conversion is not exactly v * 257, so allow one step.
        #expect(maxDifference(try await convert("rgb48.png", "rgb48be"), rgb) <= 1)
        #expect(try await convert("rgba.png", "rgba") == rgb, "alpha is dropped, as PIL's convert('RGB')")
        #expect(maxDifference(try await convert("rgba64.png", "rgba64be"), rgb) <= 1)

        let gray = try await convert("gray.png", "gray")
        #expect(gray.width == rgb.width)
        let channelsAgree = stride(from: 0, to: gray.pixels.count, by: 3).allSatisfy { (i: Int) -> Bool in
            gray.pixels[i] == gray.pixels[i + 1] && gray.pixels[i] == gray.pixels[i + 2]
        }
        #expect(channelsAgree, "gray is replicated into R, G and B")
        #expect(try await convert("gray16.png", "gray16be", from: "gray.png") == gray)
        #expect(try await convert("palette.png", "pal8").width == rgb.width)

        let jpegtran = try #require(which("jpegtran"), "jpegtran is needed (libjpeg-turbo-progs)")
        let grayJPEG = directory + "/gray.jpg"
        _ = try await runProcess("/bin/sh", ["-c", "\(jpegtran) -grayscale '\(Self.photo)' > '\(grayJPEG)'"])
        let decodedGray = try RGBImage(contentsOfFile: grayJPEG)
        #expect(decodedGray.width == rgb.width)
        #expect(decodedGray.pixels[0] == decodedGray.pixels[1] && decodedGray.pixels[1] == decodedGray.pixels[2])
        let progressive = directory + "/progressive.jpg"
        let result = try await runProcess("/bin/sh", ["-c", "\(jpegtran) -progressive '\(Self.photo)' > '\(progressive)'"])
        try #require(result.status == 0, "jpegtran: \(result.stderr)")
        #expect(try RGBImage(contentsOfFile: progressive) == RGBImage(contentsOfFile: Self.photo),
                "a progressive JPEG with the same coefficients decodes to the same pixels")
    }

    func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Int {
        guard a.width == b.width, a.height == b.height else { return .max }
        return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    /// PIL reads 16-bit samples by their high byte (no rounding); so do we.
    @Test func sixteenBitPNGKeepsTheHighByte() throws {
        let png = PNGBuilder.rgb16(width: 2, height: 1, samples: [0x12FF, 0x3480, 0x5601, 0xFFFF, 0x0000, 0x00FF])
        let image = try RGBImage(decoding: png)
        #expect(image.pixels == [0x12, 0x34, 0x56, 0xFF, 0x00, 0x00])
    }

    @Test func jpegRoundTrip() throws {
        let image = try RGBImage(contentsOfFile: Self.photo)
        let encoded = try image.jpegData(quality: 90)
        let decoded = try RGBImage(decoding: encoded)
        #expect(decoded.width == image.width && decoded.height == image.height)
        let meanError = zip(decoded.pixels, image.pixels).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(image.pixels.count)
        #expect(meanError < 4, "mean absolute error \(meanError)")
    }
}

/// Hand-made PNG files: just the signature and a valid IHDR chunk.
enum PNGBuilder {
    static func header(width: UInt32, height: UInt32) -> [UInt8] {
        var ihdr: [UInt8] = Array("IHDR".utf8)
        ihdr += bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian(13) + ihdr + bigEndian(crc32(ihdr))
    }

    /// A complete 16-bit RGB PNG, its pixels in uncompressed ("stored") deflate blocks.
    static func rgb16(width: UInt32, height: UInt32, samples: [UInt16]) -> [UInt8] {
        var raw: [UInt8] = []
        let rowSamples = Int(width) * 3
        for row in 0..<Int(height) {
            raw.append(0)  // filter: none
            for sample in samples[row * rowSamples..<(row + 1) * rowSamples] { raw += [UInt8(sample >> 8), UInt8(sample & 0xFF)] }
        }
        var zlib: [UInt8] = [0x78, 0x01, 0x01]  // header, then one final stored block
        let length = UInt16(raw.count)
        zlib += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)] + raw
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        zlib += bigEndian(b << 16 | a)
        var ihdr: [UInt8] = Array("IHDR".utf8) + bigEndian(width) + bigEndian(height) + [16, 2, 0, 0, 0]
        var png = header(width: width, height: height)
        png.removeLast(ihdr.count + 8)  // rebuild IHDR with 16-bit depth
        png += bigEndian(13) + ihdr + bigEndian(crc32(ihdr))
        ihdr = Array("IDAT".utf8) + zlib
        png += bigEndian(UInt32(zlib.count)) + ihdr + bigEndian(crc32(ihdr))
        let end: [UInt8] = Array("IEND".utf8)
        return png + bigEndian(0) + end + bigEndian(crc32(end))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
