import FaceEngine

/// The clips the recognition benchmark plays: 640x480 at 10 frames a second,
/// a textured room with camera noise on every frame, and people who walk in,
/// stand at the door for three seconds and walk out.
struct BenchScene: Sendable {
    let name: String
    /// Each frame as a camera gives it: JPEG.
    let frames: [[UInt8]]
    /// The first frame with a face in it (nil: none ever).
    let firstFaceFrame: Int?

    static let width = 640, height = 480, framesPerSecond = 10.0

    /// What happens in frame `number`: the clip's phases cost differently.
    static func phase(of number: Int) -> String {
        switch number {
        case 10..<20, 50..<60: "walking"
        case 20..<50: "standing"
        default: "empty"
        }
    }

    /// Frames 0–9 empty, 10–19 walking in from the right, 20–49 standing, 50–59 walking out to the left.
    static func make(name: String, portraits: [RGBImage], portraitHeight: Int) throws -> BenchScene {
        let room = BenchRoom()
        let people = portraits.map { $0.resized(width: max(1, $0.width * portraitHeight / $0.height), height: portraitHeight) }
        let groupWidth = people.reduce(0) { $0 + $1.width }
        let standX = (width - groupWidth) / 2, y = (height - portraitHeight) / 2
        var frames: [[UInt8]] = []
        for i in 0..<60 {
            var frame = room.frame(i)
            let x: Int? = switch i {
            case 10..<20: width - (width - standX) * (i - 9) / 10
            case 20..<50: standX
            case 50..<60: standX - (standX + groupWidth) * (i - 49) / 10
            default: nil
            }
            if let x, !people.isEmpty {
                var left = x
                for person in people {
                    frame = frame.pasting(person, atX: left, y: y)
                    left += person.width
                }
            }
            frames.append(try frame.jpegData(quality: 85))
        }
        return BenchScene(name: name, frames: frames, firstFaceFrame: people.isEmpty ? nil : 10)
    }
}

/// A room with texture (so the detector has edges to work through) and a little
/// sensor noise that changes every frame, as a real camera's does.
struct BenchRoom {
    let base: RGBImage
    let noise: [UInt8]

    init() {
        var generator = SplitMix(seed: 7)
        let texture = (0..<(64 * 48 * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        base = RGBImage(width: 64, height: 48, pixels: texture).resized(width: BenchScene.width, height: BenchScene.height)
        noise = (0..<(base.pixels.count + 4096)).map { _ in UInt8(generator.next() % 7) }
    }

    func frame(_ number: Int) -> RGBImage {
        let offset = (number * 997) % 4096
        var pixels = base.pixels
        for i in pixels.indices { pixels[i] = UInt8(min(255, max(0, Int(pixels[i]) + Int(noise[i + offset]) - 3))) }
        return RGBImage(width: base.width, height: base.height, pixels: pixels)
    }
}
