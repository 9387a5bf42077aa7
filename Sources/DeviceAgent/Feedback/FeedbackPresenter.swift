/// Turns what happens into screens and LED patterns, without ever making the
/// caller wait: each event replaces the one before, and a screen that follows an
/// event (the welcome screen after "Attendance marked") returns after a while.
public actor FeedbackPresenter {
    private let output: any FeedbackOutput
    private let clock: any Clock<Duration>
    private var connected = false
    private var current: Task<Void, Never>?
    /// Counts presentations, so a finished one can tell whether it was the last.
    private var generation = 0
    /// An event's screen (a mark, an error) is up and must not be covered by a mere hint.
    private var eventShowing = false

    /// How long an event's screen stays before the welcome screen returns.
    public let eventScreenTime: Duration

    public init(output: any FeedbackOutput, eventScreenTime: Duration = .seconds(3), clock: any Clock<Duration> = ContinuousClock()) {
        self.output = output
        self.eventScreenTime = eventScreenTime
        self.clock = clock
    }

    /// Resting state: blue while connected (the original's "connected" LED).
    private var resting: Lights { Lights(blue: connected) }

    public func connection(_ isConnected: Bool) {
        connected = isConnected
        present(isConnected ? .connected : .welcome(offline: true), pattern: nil, thenWelcome: isConnected)
    }

    /// Shows `screen` and plays `pattern`; with `thenWelcome`, the welcome screen
    /// comes back after `eventScreenTime`.
    public func present(_ screen: Screen, pattern: LightPattern?, thenWelcome: Bool = true) {
        current?.cancel()
        generation += 1
        eventShowing = thenWelcome
        let generation = generation
        let output = output, clock = clock, resting = resting, hold = eventScreenTime, offline = !connected
        current = Task {
            await output.show(screen.lines(columns: output.columns, rows: output.rows))
            var elapsed = Duration.zero
            for step in pattern?.steps ?? [] {
                // Blue stays on while connected: it tells the connection, the others tell the event.
                var lights = step.lights
                lights.blue = lights.blue || resting.blue
                await output.setLights(lights)
                guard (try? await clock.sleep(for: step.duration)) != nil else { return }
                elapsed += step.duration
            }
            await output.setLights(resting)
            guard thenWelcome else { return }
            if hold > elapsed { guard (try? await clock.sleep(for: hold - elapsed)) != nil else { return } }
            await output.show(Screen.welcome(offline: offline).lines(columns: output.columns, rows: output.rows))
            self.ended(generation)
        }
    }

    /// Shows `screen` only when no event's screen is up: "Please Wait..." must
    /// not cover the name of someone just marked.
    public func hint(_ screen: Screen, pattern: LightPattern?) {
        guard !eventShowing else { return }
        present(screen, pattern: pattern)
    }

    private func ended(_ finished: Int) {
        if finished == generation { eventShowing = false }
    }

    /// Waits until the current event has played out (for tests and shutdown).
    public func settle() async {
        await current?.value
    }

    public func shutdown() async {
        current?.cancel()
        await current?.value
        await output.shutdown()
    }
}
