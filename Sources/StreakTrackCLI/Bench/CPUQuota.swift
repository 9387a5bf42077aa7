import Foundation

/// The whole process held to a fraction of one core while clips play: a cgroup
/// (v1 `cpu` controller) of its own with `cpu.cfs_quota_us` set, entered before a
/// clip and left after it, so that rendering the clips is not slowed too.
/// By the figures a Raspberry Pi 4's four cores do about what 40% of one
/// core of the build machine does for this work.
struct CPUQuota {
    let directory: String
    let root: String

    init(fraction: Double, root: String = "/sys/fs/cgroup/cpu") throws {
        guard fraction > 0, fraction <= 64 else { throw QuotaError("--cpu-limit \(fraction): give a fraction of one core, such as 0.4") }
        self.root = root
        directory = "\(root)/streaktrack-bench-\(getpid())"
        guard FileManager.default.fileExists(atPath: "\(root)/cpu.cfs_quota_us") else {
            throw QuotaError("\(root)/cpu.cfs_quota_us is missing: --cpu-limit needs the cgroup v1 cpu controller mounted at \(root)")
        }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
            throw QuotaError("cannot create \(directory): \(String(cString: strerror(errno))) (--cpu-limit needs root)")
        }
        let period = 100_000
        try Self.write("\(period)", to: "\(directory)/cpu.cfs_period_us")
        try Self.write("\(Int(fraction * Double(period)))", to: "\(directory)/cpu.cfs_quota_us")
    }

    /// Moves the whole process (every thread) into the limited group.
    func enter() throws { try Self.write("\(getpid())", to: "\(directory)/cgroup.procs") }

    /// Moves it back to where it was not limited.
    func leave() throws { try Self.write("\(getpid())", to: "\(root)/cgroup.procs") }

    /// Out of the group, and the group gone.
    func remove() {
        try? leave()
        rmdir(directory)
    }

    /// CPU time the kernel held the group back so far, in seconds (`cpu.stat` `throttled_time`).
    var throttledSeconds: Double {
        guard let stat = try? String(contentsOfFile: "\(directory)/cpu.stat", encoding: .utf8) else { return 0 }
        for line in stat.split(separator: "\n") where line.hasPrefix("throttled_time ") {
            return (Double(line.split(separator: " ").last ?? "") ?? 0) / 1e9
        }
        return 0
    }

    private static func write(_ value: String, to path: String) throws {
        do {
            try value.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw QuotaError("cannot write \(value) to \(path): \(error.localizedDescription)")
        }
    }
}

struct QuotaError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
