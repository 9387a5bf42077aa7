/// How big and how good stream frames are, adapted to the link: two frames in
/// a row that take long to send, or one dropped because the last is still on
/// its way, step down (smaller, more compressed); a run of quick sends steps back up.
public struct StreamQuality: Sendable, Equatable {
    public struct Level: Sendable, Equatable {
        public let maxWidth: Int
        public let quality: Int
    }

    /// From the configured size and quality (the best) down to a small, rough picture.
    public let levels: [Level]
    public private(set) var current = 0
    private var quickSends = 0
    private var slowSends = 0
    private var lastStepDown: ContinuousClock.Instant?

    /// Quick sends in a row before stepping up.
    static let quickRun = 10

    public init(maxWidth: Int, quality: Int) {
        levels = [(1.0, 0), (0.75, 10), (0.5, 20), (0.375, 30)].map { scale, less in
            Level(maxWidth: max(160, Int(Double(maxWidth) * scale)), quality: max(20, quality - less))
        }
    }

    public var level: Level { levels[current] }

    /// One frame sent in `sendTime`, with `interval` between frames at the capped rate.
    public mutating func sent(in sendTime: Duration, interval: Duration, now: ContinuousClock.Instant = .now) {
        if sendTime > interval / 2 {
            // Two in a row: one slow frame is a hiccup, not a slow link.
            slowSends += 1
            if slowSends >= 2 { stepDown(now: now) }
            return
        }
        slowSends = 0
        if sendTime < interval / 5 {
            quickSends += 1
            if quickSends >= Self.quickRun, current > 0 {
                current -= 1
                quickSends = 0
            }
        } else {
            quickSends = 0
        }
    }

    /// A frame dropped because the one before was still being sent.
    public mutating func congested(now: ContinuousClock.Instant = .now) {
        stepDown(now: now)
    }

    /// At most one step down a second: a single slow frame must not send the picture to the bottom.
    private mutating func stepDown(now: ContinuousClock.Instant) {
        quickSends = 0
        slowSends = 0
        if let last = lastStepDown, now - last < .seconds(1) { return }
        lastStepDown = now
        current = min(current + 1, levels.count - 1)
    }
}
