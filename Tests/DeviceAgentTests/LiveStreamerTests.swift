import DeviceAgent
import FaceEngine
import Foundation
import StreakTrackProtocol
import Synchronization
import TestSupport
import Testing

/// The live stream over a link that turns slow and then recovers: frames are
/// dropped rather than queued, the picture shrinks, and comes back.
@Suite("Live stream on a slow link")
struct LiveStreamerTests {
    /// A link whose sends take `delay`, keeping the last frame it carried.
    final class Link: Sendable {
        let delay = Mutex(Duration.zero)
        let last = Mutex<String?>(nil)

        func send(_ message: DeviceMessage) async -> Bool {
            guard case .liveStream(let frame) = message else { return false }
            last.withLock { $0 = frame }
            // A fast link returns at once; sleeping for zero would still yield, and on a busy
            // machine the wait to be resumed would pass for a slow link.
            let delay = delay.withLock { $0 }
            if delay > .zero { try? await Task.sleep(for: delay) }
            return true
        }

        /// The width of the last frame sent.
        var lastWidth: Int {
            get throws {
                let frame = try #require(last.withLock { $0 })
                return try RGBImage(decoding: Array(try #require(Data(base64Encoded: frame)))).width
            }
        }
    }

    @Test func aSlowLinkGetsFewerSmallerFramesAndARecoveredOneGetsThemBack() async throws {
        let link = Link()
        var settings = AgentConfiguration.StreamSettings()
        settings.maxFramesPerSecond = 10
        let streamer = LiveStreamer(settings: settings) { await link.send($0) }
        let picture = RGBImage.filled(width: 640, height: 480, red: 90, green: 110, blue: 120)
        let frame = CameraFrame(encoded: try picture.jpegData(), number: 1)
        func play(for duration: Duration) async throws {
            let end = ContinuousClock.now + duration
            while ContinuousClock.now < end {
                await streamer.offer(frame, image: picture, faces: [])
                try await Task.sleep(for: .milliseconds(50))  // a camera at 20 fps, twice the stream's cap
            }
        }
        /// Lets the frame on its way finish, then sends one more; returns its width and the level it was offered at.
        func sendOne() async throws -> (width: Int, level: StreamQuality.Level) {
            try await Task.sleep(for: .milliseconds(600))
            let before = await streamer.statistics.sent
            let level = await streamer.quality.level
            await streamer.offer(frame, image: picture, faces: [])
            try await waitUntil { await streamer.statistics.sent > before }
            return (try link.lastWidth, level)
        }
        await streamer.start()
        try await play(for: .seconds(1))
        let fast = await streamer.statistics
        #expect(fast.sent >= 1 && fast.sent <= 11, "capped at 10 a second: \(fast.sent)")
        let level = await streamer.quality.current
        #expect(level <= 1, "full size, or one step down after a hiccup on a busy machine")

        link.delay.withLock { $0 = .milliseconds(400) }  // the link turns slow
        // At most a step down a second, after two slow sends: about four seconds on an idle
        // machine; a busy one (encoding slowed too) gets up to twelve.
        var shrunk = level
        for _ in 0..<6 where shrunk < 2 {
            try await play(for: .seconds(2))
            shrunk = await streamer.quality.current
        }
        let slow = await streamer.statistics
        #expect(slow.dropped > 0, "frames offered during a send are dropped, not queued")
        #expect(shrunk >= 2, "the picture shrank")
        let (slowWidth, slowLevel) = try await sendOne()
        #expect(slowWidth == slowLevel.maxWidth && slowWidth <= 320)

        link.delay.withLock { $0 = .zero }  // and recovers
        try await play(for: .seconds(8))
        // Back up a step a second (sooner on an idle machine, later on a busy one, where encoding also takes its time).
        let recovered = await streamer.quality.current
        #expect(recovered < shrunk, "bigger again")
        let (recoveredWidth, recoveredLevel) = try await sendOne()
        #expect(recoveredWidth == recoveredLevel.maxWidth && recoveredWidth > slowWidth)
        await streamer.stop()
        try await Task.sleep(for: .milliseconds(300))  // a frame already on its way finishes
        let stopped = await streamer.statistics
        try await play(for: .milliseconds(300))
        let after = await streamer.statistics
        #expect(after == stopped, "nothing after stop")
    }
}
