import FaceEngine
import Foundation
import StreakTrackProtocol

/// Sends camera frames as `live_stream` messages between `start_stream` and
/// `stop_stream`, without ever holding up recognition: the frame rate is
/// capped, a frame offered while the last is still being sent is dropped
/// (never queued), encoding happens off the recognition path, and the picture
/// gets smaller and rougher when the link is slow (`StreamQuality`).
public actor LiveStreamer {
    public typealias Send = @Sendable (DeviceMessage) async -> Bool

    public struct Statistics: Sendable, Equatable {
        public var sent = 0
        /// Offered while the last frame was still being sent.
        public var dropped = 0
        public var bytes = 0
    }

    private let settings: AgentConfiguration.StreamSettings
    private let send: Send
    private let stages: StageClock?
    private let interval: Duration
    public private(set) var quality: StreamQuality
    public private(set) var statistics = Statistics()
    public private(set) var isStreaming = false
    /// Where the frame on its way is: being encoded here, or being written to the link.
    private enum Busy { case idle, encoding, sending }
    private var busy = Busy.idle
    private var lastSent: ContinuousClock.Instant?
    /// Student id → name, for the labels on the boxes.
    private var names: [String: String] = [:]

    /// - Parameter stages: where the CPU spent encoding frames is counted (`stream encode`).
    public init(settings: AgentConfiguration.StreamSettings, stages: StageClock? = nil, send: @escaping Send) {
        self.settings = settings
        self.send = send
        self.stages = stages
        interval = .milliseconds(Int64(1000 / settings.maxFramesPerSecond))
        quality = StreamQuality(maxWidth: settings.maxWidth, quality: settings.quality)
    }

    public func start() {
        isStreaming = true
        lastSent = nil
    }

    public func stop() {
        isStreaming = false
    }

    /// The roster's names, for labelling the faces on the stream.
    public func useRoster(_ students: [RosterStudent]) {
        names = students.byId.mapValues(\.name)
    }

    /// Offers a frame (its JPEG bytes and, when recognition decoded it, its
    /// pixels and faces); returns at once.
    public func offer(_ frame: CameraFrame, image: RGBImage?, faces: [Recognizer.FaceInView]) {
        guard isStreaming else { return }
        let now = ContinuousClock.now
        if let lastSent, now - lastSent < interval { return }
        guard busy == .idle else {
            statistics.dropped += 1
            // Only a slow link lowers the picture: a busy processor would only be given more
            // work, since the camera's own JPEG at full size costs nothing to pass on.
            if busy == .sending { quality.congested(now: now) }
            return
        }
        busy = .encoding
        lastSent = now
        let level = quality.level, best = quality.current == 0, drawBoxes = settings.drawBoxes, send = send, names = names, stages = stages
        Task.detached(priority: .low) {
            let encode = { Self.encode(frame, image: image, faces: drawBoxes ? faces : [], names: names, level: level, best: best) }
            let jpeg = stages.map { $0.measure(.streamEncode, encode) } ?? encode()
            await self.sending()
            let started = ContinuousClock.now
            var delivered = false
            if let jpeg { delivered = await send(.liveStream(frame: Data(jpeg).base64EncodedString())) }
            await self.finished(bytes: delivered ? jpeg?.count ?? 0 : nil, in: ContinuousClock.now - started)
        }
    }

    private func sending() {
        busy = .sending
    }

    private func finished(bytes: Int?, in sendTime: Duration) {
        busy = .idle
        guard let bytes else { return }
        statistics.sent += 1
        statistics.bytes += bytes
        quality.sent(in: sendTime, interval: interval)
    }

    /// The camera's own JPEG when it already fits the level and nothing is drawn
    /// on it (no work at all); otherwise decoded, drawn on, shrunk and re-encoded.
    static func encode(_ frame: CameraFrame, image: RGBImage?, faces: [Recognizer.FaceInView], names: [String: String],
                       level: StreamQuality.Level, best: Bool) -> [UInt8]? {
        if faces.isEmpty, best, let size = try? RGBImage.probe(frame.encoded), size.format == .jpeg,
           size.width <= level.maxWidth {
            return frame.encoded
        }
        guard var picture = image ?? (try? RGBImage(decoding: frame.encoded)) else { return nil }
        picture = picture.annotated(faces, names: names)
        if picture.width > level.maxWidth {
            let height = max(1, picture.height * level.maxWidth / picture.width)
            picture = picture.resized(width: level.maxWidth, height: height)
        }
        return try? picture.jpegData(quality: level.quality)
    }
}
