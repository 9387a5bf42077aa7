import Logging
import StreakTrackLogging
import Synchronization
import Testing

/// A log record stays one line whatever a peer put in it.
@Suite("Log lines")
struct LogLineTests {
    @Test func controlCharactersCannotForgeALine() {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "streaktrack.server") { OneLineLogHandler(label: $0) { text in lines.withLock { $0.append(text) } } }
        logger[metadataKey: "peer"] = "10.0.0.9\r\nforged=1"
        let deviceId = "evil\nforged line 2026-11-30T08:00:00Z info streaktrack.server : device door-1 connected"
        logger.info("refused device \(deviceId)")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = written[0]
        #expect(line.hasSuffix("\n") && line.dropLast().allSatisfy { $0 != "\n" && $0 != "\r" }, "\(line.debugDescription)")
        #expect(line.contains(#"refused device evil\u{a}forged line"#) && line.contains(#"peer=10.0.0.9\u{d}\u{a}forged=1"#))
    }
}
