import Foundation
import Synchronization

/// CPU time by stage of recognition (decode, motion, detection, landmarks and
/// descriptors, tracking, matching, stream encode), measured on the thread that
/// does the work (`CLOCK_THREAD_CPUTIME_ID`), so a worker thread's share is counted
/// where it is spent. What a person tuning a door, and the benchmark, read.
public final class StageClock: Sendable {
    public enum Stage: String, CaseIterable, Sendable, Codable {
        case decode, motion, detection, description = "landmarks+descriptors", tracking, matching, streamEncode = "stream encode"
    }

    private let totals = Mutex([Stage: Double]())

    public init() {}

    /// Runs `work`, adding its thread's CPU time to `stage`.
    public func measure<T>(_ stage: Stage, _ work: () throws -> T) rethrows -> T {
        let start = Self.threadCPUSeconds()
        defer {
            let spent = Self.threadCPUSeconds() - start
            totals.withLock { $0[stage, default: 0] += spent }
        }
        return try work()
    }

    /// CPU seconds spent in each stage so far.
    public var seconds: [Stage: Double] { totals.withLock { $0 } }

    public func reset() { totals.withLock { $0 = [:] } }

    public static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// CPU seconds of the whole process (every thread, user and system).
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
