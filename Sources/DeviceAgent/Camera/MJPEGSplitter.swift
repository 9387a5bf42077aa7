/// Cuts a byte stream of back-to-back JPEG images (MJPEG as ffmpeg, rpicam-vid
/// or gst-launch write it) into single images. Segments are skipped by their
/// lengths up to the scan, so a marker inside a header (an EXIF thumbnail) does
/// not end an image early; in the scan, 0xFF 0xD9 can only be the end.
public struct MJPEGSplitter: Sendable {
    private var buffer: [UInt8] = []
    /// Largest image accepted; a stream that never ends an image is dropped, not hoarded.
    public let maxImageBytes: Int

    public init(maxImageBytes: Int = 8 << 20) {
        self.maxImageBytes = maxImageBytes
    }

    /// Adds bytes and returns the images they complete.
    public mutating func append(_ bytes: some Sequence<UInt8>) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var images: [[UInt8]] = []
        while let (start, end) = nextImage() {
            images.append(Array(buffer[start..<end]))
            buffer.removeSubrange(0..<end)
        }
        if buffer.count > maxImageBytes { buffer.removeAll(keepingCapacity: true) }
        return images
    }

    private mutating func nextImage() -> (Int, Int)? {
        // Find the start of an image; anything before it is noise.
        guard let start = firstIndex(of: [0xFF, 0xD8], from: 0) else {
            if buffer.count > 1 { buffer.removeSubrange(0..<(buffer.count - 1)) }
            return nil
        }
        var i = start + 2
        while i + 1 < buffer.count {
            guard buffer[i] == 0xFF else { i += 1; continue }
            let marker = buffer[i + 1]
            if marker == 0xFF || marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xD9 { return (start, i + 2) }
            guard i + 4 <= buffer.count else { return nil }
            let length = Int(buffer[i + 2]) << 8 | Int(buffer[i + 3])
            if marker == 0xDA {
                // Scan data: stuffed 0xFF 0x00 and restart markers are data; the next other marker ends it.
                var j = i + 2 + length
                while j + 1 < buffer.count {
                    if buffer[j] == 0xFF, buffer[j + 1] != 0x00, !(0xD0...0xD7).contains(buffer[j + 1]) { break }
                    j += 1
                }
                guard j + 1 < buffer.count else { return nil }
                i = j
                continue
            }
            i += 2 + length
        }
        return nil
    }

    private func firstIndex(of pattern: [UInt8], from: Int) -> Int? {
        guard buffer.count >= pattern.count else { return nil }
        var i = from
        while i + pattern.count <= buffer.count {
            if buffer[i] == pattern[0] && buffer[i + 1] == pattern[1] { return i }
            i += 1
        }
        return nil
    }
}
