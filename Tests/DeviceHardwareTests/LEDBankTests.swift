@testable import DeviceHardware
import Glibc
import Testing

@Suite("LEDs")
struct LEDBankTests {
    @Test("levels go to the lines in green, yellow, blue, red order")
    func order() throws {
        let lines = RecordingGPIOLines(count: 4) { .zero }
        let leds = LEDBank(lines: lines)
        try leds.set(LEDLevels(yellow: true, red: true))
        #expect(lines.levels == [false, true, false, true])
        #expect(LEDLevels([false, true, false, true]) == LEDLevels(yellow: true, red: true))
    }

    @Test("patterns are recorded as transitions over time")
    func patternsOverTime() throws {
        let time = ManualTime()
        let lines = RecordingGPIOLines(count: 4) { time.now }
        let leds = LEDBank(lines: lines)
        let period = Duration.milliseconds(200)

        // "Already marked": yellow blinks three times, then blue for connected.
        for _ in 0..<3 {
            try leds.set(LEDLevels(yellow: true))
            time.advance(by: period)
            try leds.set(.allOff)
            time.advance(by: period)
        }
        try leds.set(LEDLevels(blue: true))
        try leds.set(LEDLevels(blue: true))
        time.advance(by: .seconds(1))
        // "Attendance marked": green for two seconds.
        try leds.set(LEDLevels(green: true, blue: true))
        time.advance(by: .seconds(2))
        leds.release()

        let yellow = [false, true, false, false], off = [false, false, false, false]
        #expect(lines.transitions == [
            .init(time: .zero, levels: yellow), .init(time: .milliseconds(200), levels: off),
            .init(time: .milliseconds(400), levels: yellow), .init(time: .milliseconds(600), levels: off),
            .init(time: .milliseconds(800), levels: yellow), .init(time: .milliseconds(1000), levels: off),
            .init(time: .milliseconds(1200), levels: [false, false, true, false]),
            .init(time: .milliseconds(2200), levels: [true, false, true, false]),
            .init(time: .milliseconds(4200), levels: off),
        ])
        #expect(lines.isReleased)
        #expect(throws: HardwareError.linesReleased(path: "recorded lines")) { try leds.set(LEDLevels(red: true)) }
    }

    @Test("a clock can be injected as a Clock")
    func clockInjection() throws {
        let lines = RecordingGPIOLines(count: 2, clock: SuspendingClock())
        try lines.set([true, false])
        #expect(lines.transitions.count == 1 && lines.transitions[0].time < .seconds(5))
    }

    @Test("the crash cleanup closes registered line fds")
    func cleanupClosesRegisteredFDs() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        #expect(CrashCleanup.register(lineFD: ends[1], lineCount: 4))
        CrashCleanup.runNow()
        // Every write end is closed, so the read end sees end-of-file.
        var byte: UInt8 = 0
        #expect(read(ends[0], &byte, 1) == 0)
        CrashCleanup.unregister(lineFD: ends[1])
    }

    @Test("a crash signal runs the cleanup, then the action that was there before")
    func crashSignal() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let child = fork()
        if child == 0 {
            // Only async-signal-safe C calls from here: this process has one thread of many.
            alarm(10)
            signal(SIGTRAP, SIG_IGN)
            guard (try? CrashCleanup.install()) != nil,
                  CrashCleanup.register(lineFD: ends[1], lineCount: 4) else { _exit(2) }
            raise(SIGTRAP)
            // SIGTRAP was ignored before, so the handler's re-raise returns here.
            _exit(fcntl(ends[1], F_GETFD) == -1 && errno == EBADF ? 0 : 1)
        }
        close(ends[1])
        defer { close(ends[0]) }
        var status: Int32 = 0
        try #require(waitpid(child, &status, 0) == child)
        #expect(status & 0x7F == 0, "the child exited rather than died of a signal")
        #expect((status >> 8) & 0xFF == 0, "the handler closed the registered fd")
    }

    @Test("after the cleanup a crash still ends the process with its own signal")
    func crashStillKills() throws {
        let child = fork()
        if child == 0 {
            alarm(10)
            var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
            signal(SIGSEGV, SIG_DFL)
            guard (try? CrashCleanup.install()) != nil else { _exit(2) }
            raise(SIGSEGV)
            _exit(3)
        }
        var status: Int32 = 0
        try #require(waitpid(child, &status, 0) == child)
        #expect(status & 0x7F == SIGSEGV, "killed by SIGSEGV, not exited with \((status >> 8) & 0xFF)")
    }
}
