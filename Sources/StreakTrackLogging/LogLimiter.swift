import Synchronization

/// Lines from one source (a peer's address, say) held to a few per interval, so
/// that a peer sending thousands of bad requests cannot fill the disk with log
/// lines about them. The lines held back are counted and said with the next line
/// that source is allowed.
public final class LogLimiter: Sendable {
    public enum Verdict: Equatable, Sendable {
        /// Write the line; `heldBack` lines from the same source were dropped before it.
        case write(heldBack: Int)
        case drop
    }

    private struct Window {
        var start: ContinuousClock.Instant
        var written: Int
        var heldBack: Int
    }

    public let linesPerInterval: Int
    public let interval: Duration
    /// Sources remembered at once; past it, every new source shares one window
    /// (a flood from many addresses is still held to a few lines).
    public let maxSources: Int
    private static let crowd = "(many sources)"
    private let windows = Mutex([String: Window]())

    public init(linesPerInterval: Int = 20, interval: Duration = .seconds(10), maxSources: Int = 10_000) {
        self.linesPerInterval = linesPerInterval
        self.interval = interval
        self.maxSources = maxSources
    }

    public func admit(_ source: String, now: ContinuousClock.Instant = .now) -> Verdict {
        windows.withLock { windows in
            var key = source
            if windows[key] == nil, windows.count >= maxSources {
                // Forgotten: windows that are over and have no held-back lines to tell of.
                windows = windows.filter { now - $0.value.start < interval || $0.value.heldBack > 0 }
                if windows.count >= maxSources { key = Self.crowd }
            }
            var window = windows[key] ?? Window(start: now, written: 0, heldBack: 0)
            if now - window.start >= interval {
                let heldBack = window.heldBack
                window = Window(start: now, written: 1, heldBack: 0)
                windows[key] = window
                return .write(heldBack: heldBack)
            }
            guard window.written < linesPerInterval else {
                window.heldBack += 1
                windows[key] = window
                return .drop
            }
            window.written += 1
            windows[key] = window
            return .write(heldBack: 0)
        }
    }
}

extension String {
    /// A value from a peer as a log line shows it: at most `limit` characters, the
    /// rest said as a count (a 15 kB login name is not written 200 times).
    public func cutForLog(_ limit: Int = 80) -> String {
        guard count > limit else { return self }
        return String(prefix(limit)) + "…(\(utf8.count) bytes)"
    }
}
