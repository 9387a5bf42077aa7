import StreakTrackLogging
import Testing

/// A peer's log lines held to a few per interval (the attack run: 3,000 rejected
/// marks wrote 3,000 lines in 1.3 s, 200 logins with a 15 kB name 3 MB of log).
@Suite("Log lines held back")
struct LogLimiterTests {
    @Test func aSourceGetsAFewLinesPerIntervalThenTheCountOfWhatWasHeldBack() {
        let limiter = LogLimiter(linesPerInterval: 3, interval: .seconds(10))
        let start = ContinuousClock.now
        let verdicts = (0..<1000).map { _ in limiter.admit("10.0.0.1", now: start) }
        #expect(verdicts.prefix(3).allSatisfy { $0 == .write(heldBack: 0) })
        #expect(verdicts.dropFirst(3).allSatisfy { $0 == .drop })
        #expect(limiter.admit("10.0.0.2", now: start) == .write(heldBack: 0), "another source is not held back by the first")
        #expect(limiter.admit("10.0.0.1", now: start + .seconds(10)) == .write(heldBack: 997), "the next interval's first line says how many were dropped")
        #expect(limiter.admit("10.0.0.1", now: start + .seconds(10)) == .write(heldBack: 0))
    }

    @Test func manySourcesShareOneWindowOnceTheTableIsFull() {
        let limiter = LogLimiter(linesPerInterval: 2, interval: .seconds(10), maxSources: 4)
        let now = ContinuousClock.now
        let written = (0..<100).filter { limiter.admit("198.51.100.\($0)", now: now) != .drop }.count
        #expect(written == 4 + 2, "four sources remembered, then everyone else shares two lines")
    }

    @Test func longValuesAreCutWithTheirSize() {
        let login = String(repeating: "x", count: 15_000)
        let cut = login.cutForLog()
        #expect(cut.count < 100 && cut.hasSuffix("…(15000 bytes)"))
        #expect("head@school.example".cutForLog() == "head@school.example")
    }
}
