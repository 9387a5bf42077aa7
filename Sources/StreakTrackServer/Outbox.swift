import Synchronization

/// What waits to be written to one WebSocket. A slow reader never slows the
/// sender: camera frames beyond a couple in flight are dropped (the next one is
/// newer anyway); other messages queue, and a reader that lets too many pile up
/// is disconnected rather than allowed to fill memory.
final class Outbox: Sendable {
    enum Item: Sendable {
        case text(String)
        case frame(String)
    }

    static let maxFramesInFlight = 2
    static let maxQueued = 1000

    let messages: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let counts = Mutex((frames: 0, queued: 0, overflowed: false))

    init() {
        (messages, continuation) = AsyncStream.makeStream(of: Item.self)
    }

    /// Queues a message; false when the reader has fallen too far behind.
    @discardableResult
    func send(_ text: String) -> Bool {
        let accepted = counts.withLock { counts in
            guard counts.queued < Self.maxQueued else {
                counts.overflowed = true
                return false
            }
            counts.queued += 1
            return true
        }
        if accepted { continuation.yield(.text(text)) } else { continuation.finish() }
        return accepted
    }

    /// Queues a camera frame unless enough are already waiting; false when dropped.
    @discardableResult
    func sendFrame(_ text: String) -> Bool {
        let accepted = counts.withLock { counts in
            guard counts.frames < Self.maxFramesInFlight else { return false }
            counts.frames += 1
            counts.queued += 1
            return true
        }
        if accepted { continuation.yield(.frame(text)) }
        return accepted
    }

    /// Called by the writer once an item is on the wire.
    func written(_ item: Item) {
        counts.withLock { counts in
            counts.queued -= 1
            if case .frame = item { counts.frames -= 1 }
        }
    }

    var overflowed: Bool { counts.withLock { $0.overflowed } }

    func finish() { continuation.finish() }
}
