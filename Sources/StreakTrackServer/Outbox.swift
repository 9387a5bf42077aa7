import Synchronization

/// What waits to be written to one WebSocket. A slow reader never slows the
/// sender: camera frames beyond a couple in flight are dropped (the next one is
/// newer anyway); other messages queue up to a byte budget, and a reader that
/// lets more pile up is disconnected rather than allowed to fill memory.
final class Outbox: Sendable {
    enum Item: Sendable {
        case text(String)
        case frame(String)

        var bytes: Int {
            switch self {
            case .text(let text), .frame(let text): text.utf8.count
            }
        }
    }

    static let maxFramesInFlight = 2

    let messages: AsyncStream<Item>
    let maxQueuedBytes: Int
    private let continuation: AsyncStream<Item>.Continuation
    private let counts = Mutex((frames: 0, queuedBytes: 0, overflowed: false))
    /// Closes the connection at once: a writer blocked on a reader that never
    /// reads could not send a close frame itself.
    private let abort: @Sendable () -> Void

    init(maxQueuedBytes: Int, abort: @escaping @Sendable () -> Void = {}) {
        (messages, continuation) = AsyncStream.makeStream(of: Item.self)
        self.maxQueuedBytes = maxQueuedBytes
        self.abort = abort
    }

    /// Queues a message; false when the reader has fallen too far behind (the
    /// connection is then being closed).
    @discardableResult
    func send(_ text: String) -> Bool {
        let size = text.utf8.count
        let (accepted, newlyOverflowed) = counts.withLock { counts -> (Bool, Bool) in
            guard !counts.overflowed else { return (false, false) }
            guard counts.queuedBytes + size <= maxQueuedBytes else {
                counts.overflowed = true
                return (false, true)
            }
            counts.queuedBytes += size
            return (true, false)
        }
        if accepted { continuation.yield(.text(text)) }
        if newlyOverflowed {
            continuation.finish()
            abort()
        }
        return accepted
    }

    /// Queues a camera frame unless enough are already waiting; false when dropped.
    @discardableResult
    func sendFrame(_ text: String) -> Bool {
        let accepted = counts.withLock { counts in
            guard !counts.overflowed, counts.frames < Self.maxFramesInFlight else { return false }
            counts.frames += 1
            return true
        }
        if accepted { continuation.yield(.frame(text)) }
        return accepted
    }

    /// Called by the writer once an item is on the wire.
    func written(_ item: Item) {
        counts.withLock { counts in
            switch item {
            case .frame: counts.frames -= 1
            case .text: counts.queuedBytes -= item.bytes
            }
        }
    }

    var overflowed: Bool { counts.withLock { $0.overflowed } }

    func finish() { continuation.finish() }
}
