import FaceEngine

/// The doorway every entrance clip is filmed in: a wall with texture (so the
/// detector has edges to work through), a door frame, and sensor noise that
/// changes every frame, as a real camera's does.
public struct EntranceRoom: Sendable {
    let base: RGBImage
    let noise: [UInt8]

    public init(width: Int, height: Int) {
        var generator = Seeded(7)
        // A pale wall with blotches: edges for the detector to work through, as plaster and posters give.
        let texture = (0..<(32 * 24)).flatMap { _ -> [UInt8] in
            let shade = 120 + Int(generator.next() % 60)
            return [UInt8(shade + 10), UInt8(shade + 4), UInt8(shade - 6)]
        }
        var wall = RGBImage(width: 32, height: 24, pixels: texture).resized(width: width, height: height).pixels
        // A darker door frame in the middle of the picture.
        let doorLeft = width / 4, doorRight = width * 3 / 4
        for y in 0..<height {
            for x in doorLeft..<doorRight where x < doorLeft + 12 || x >= doorRight - 12 || y < height / 10 {
                for c in 0..<3 { wall[(y * width + x) * 3 + c] /= 2 }
            }
        }
        base = RGBImage(width: width, height: height, pixels: wall)
        noise = (0..<(wall.count + 4096)).map { _ in UInt8(generator.next() % 7) }
    }

    /// The empty doorway in frame `number`: the same wall, new noise (±3).
    public func frame(_ number: Int) -> [UInt8] {
        let offset = (number &* 997) % 4096
        var pixels = base.pixels
        noise.withUnsafeBufferPointer { noise in
            for i in pixels.indices { pixels[i] = UInt8(clamping: Int(pixels[i]) + Int(noise[i + offset]) - 3) }
        }
        return pixels
    }
}

/// Random numbers that are the same on every run (SplitMix64), for scenes and benchmarks.
public struct Seeded: Sendable {
    var state: UInt64
    public init(_ seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
