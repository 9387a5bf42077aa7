import EntranceClips
import FaceEngine
import Foundation

/// A clip played as a live camera plays it: frame n exists from n / fps seconds
/// after the start, and whoever looks gets the newest one; frames nobody took
/// in time are gone (dropped), as with a real camera.
struct LiveClip: Sendable {
    let clip: EntranceClip
    let start: ContinuousClock.Instant

    init(_ clip: EntranceClip, startingAt start: ContinuousClock.Instant = .now) {
        self.clip = clip
        self.start = start
    }

    var seconds: Double { Self.seconds(ContinuousClock.now - start) }

    var ended: Bool { seconds >= clip.scene.duration }

    /// The newest frame now (nil once the clip has ended).
    var latest: (number: Int, jpeg: [UInt8])? {
        let number = Int(seconds * clip.scene.framesPerSecond)
        return number < clip.frames.count ? (number, clip.frames[number]) : nil
    }

    /// Waits for a frame newer than `number` and returns the newest then (nil at the end).
    func next(after number: Int) async -> (number: Int, jpeg: [UInt8])? {
        let due = Double(number + 1) / clip.scene.framesPerSecond
        let wait = due - seconds
        if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
        return latest
    }

    /// Sleeps `interval` seconds of clip time (the original device's pauses).
    func sleep(_ interval: Double) async {
        try? await Task.sleep(for: .seconds(interval))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// What a pipeline decided about a face, and when.
struct BenchDecision: Sendable {
    /// The frame the decision was made on, and the clip time it was made at.
    let frame: Int
    let time: Double
    let box: FaceBox
    /// The student named (nil: an unknown face).
    let label: String?
}
