import Synchronization

/// Output lines that keep every change of level with the time it happened,
/// so a test can check an LED pattern's timing without LEDs.
public final class RecordingGPIOLines: GPIOOutputLines {
    public struct Transition: Equatable, Sendable {
        /// Since the recording began, on the injected clock.
        public let time: Duration
        public let levels: [Bool]

        public init(time: Duration, levels: [Bool]) {
            self.time = time
            self.levels = levels
        }
    }

    private struct State {
        var levels: [Bool]
        var transitions: [Transition] = []
        var released = false
    }

    public let count: Int
    private let now: @Sendable () -> Duration
    private let state: Mutex<State>

    /// - Parameter now: the time since the recording began; lines start low, as requested ones do.
    public init(count: Int = 4, now: @escaping @Sendable () -> Duration) {
        self.count = count
        self.now = now
        state = Mutex(State(levels: Array(repeating: false, count: count)))
    }

    /// Times taken from `clock` (a test's manual clock, or the real one).
    public convenience init<C: Clock>(count: Int = 4, clock: C = ContinuousClock()) where C.Duration == Duration {
        let start = clock.now
        self.init(count: count) { start.duration(to: clock.now) }
    }

    public var transitions: [Transition] { state.withLock { $0.transitions } }
    public var levels: [Bool] { state.withLock { $0.levels } }
    public var isReleased: Bool { state.withLock { $0.released } }

    public func set(_ levels: [Bool]) throws {
        precondition(levels.count == count, "one level per line")
        let time = now()
        try state.withLock { state in
            guard !state.released else { throw HardwareError.linesReleased(path: "recorded lines") }
            guard levels != state.levels else { return }
            state.levels = levels
            state.transitions.append(Transition(time: time, levels: levels))
        }
    }

    public func release() {
        let time = now()
        state.withLock { state in
            guard !state.released else { return }
            state.released = true
            let off = Array(repeating: false, count: count)
            guard state.levels != off else { return }
            state.levels = off
            state.transitions.append(Transition(time: time, levels: off))
        }
    }
}
