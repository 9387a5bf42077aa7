import ChildProcess
import Foundation
import TestSupport
import Testing

/// The programs the device starts (camera commands) and the tests start (file
/// servers, browsers) can always be stopped, and hold nothing of ours.
@Suite("Child processes")
struct ChildProcessTests {
    @Test func aChildStartsWithNoBlockedOrIgnoredSignalsAndStopsWhenAsked() async throws {
        // This process ignores SIGPIPE and its Dispatch threads block most signals: none of that may pass on.
        let child = try ChildProcess("/bin/sleep", ["30"], output: .null, errors: .null)
        let status = try String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)
        for field in ["SigBlk", "SigIgn"] {
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field + ":") })
            let mask = try #require(UInt64(line.split(separator: "\t").last ?? "", radix: 16), "\(line)")
            // Signals 1 to 31 (HUP, INT, TERM, PIPE...); glibc keeps its own real-time ones (32, 33) to itself.
            #expect(mask & 0x7FFF_FFFF == 0, "\(line)")
        }
        await child.terminate(grace: .seconds(2))
        #expect(!child.isRunning)
        #expect(child.wait() == 128 + SIGTERM, "SIGTERM was enough")
    }

    @Test func aChildInheritsNoDescriptorButItsStandardThree() async throws {
        // A listening socket without close-on-exec, as a server's may be.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        let listed = try await runProcess("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(listed.lines == ["0", "1", "2"], "\(listed.stdout)")
    }
}
