import Synchronization

/// An I2C device that keeps what is written to it, and the pauses between
/// writes when it is also given to the driver as its sleep, so a test or a
/// simulated device can replay the bus into an HD44780Simulator.
public final class RecordingI2CDevice: I2CDevice {
    public enum Event: Equatable, Sendable {
        case write([UInt8])
        case pause(Duration)
    }

    private struct State {
        var events: [Event] = []
        var failure: HardwareError?
    }

    private let state = Mutex(State())

    public init() {}

    public var events: [Event] { state.withLock { $0.events } }

    /// Every byte written, in order.
    public var bytes: [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .write(let bytes) = event { return bytes }
            return []
        }
    }

    /// The events so far, forgotten here: what a test replays step by step.
    public func takeEvents() -> [Event] {
        state.withLock { state in
            defer { state.events = [] }
            return state.events
        }
    }

    /// Makes every write fail with `error` (nil: succeed again), as an unplugged module would.
    public func failWrites(with error: HardwareError?) {
        state.withLock { $0.failure = error }
    }

    public func write(_ bytes: [UInt8]) throws {
        try state.withLock { state in
            if let failure = state.failure { throw failure }
            state.events.append(.write(bytes))
        }
    }

    /// A sleep for CharacterLCD that records the wait instead of waiting.
    public func recordPause(_ duration: Duration) {
        state.withLock { $0.events.append(.pause(duration)) }
    }
}
