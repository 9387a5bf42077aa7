import CLinuxHardware
import Synchronization

/// Output lines held through a v2 line-request fd. Closing the fd hands the
/// lines back to the kernel, which leaves them at their last level, so
/// release drives them low first.
public final class LinuxGPIOLines: GPIOOutputLines {
    public let path: String
    public let offsets: [UInt32]
    /// nil once released; the lock also keeps a release from closing the fd under a set.
    private let fd: Mutex<Int32?>

    init(fd lineFD: Int32, path: String, offsets: [UInt32]) {
        self.path = path
        self.offsets = offsets
        fd = Mutex(lineFD)
        _ = CrashCleanup.register(lineFD: lineFD, lineCount: offsets.count)
    }

    deinit {
        release()
    }

    public var count: Int { offsets.count }

    /// The values mask naming every requested line.
    private var allLines: UInt64 { offsets.count == 64 ? .max : (1 << UInt64(offsets.count)) - 1 }

    public func set(_ levels: [Bool]) throws {
        precondition(levels.count == offsets.count, "one level per line")
        let bits = levels.enumerated().reduce(UInt64(0)) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) }
        try fd.withLock { fd in
            guard let fd else { throw HardwareError.linesReleased(path: path) }
            let result = st_gpio_set_values(fd, bits, allLines)
            guard result == 0 else { throw HardwareError.gpio(errno: -result, operation: .setValues, path: path) }
        }
    }

    public func release() {
        fd.withLock { fd in
            guard let lineFD = fd else { return }
            CrashCleanup.unregister(lineFD: lineFD)
            _ = st_gpio_set_values(lineFD, 0, allLines)
            _ = st_close(lineFD)
            fd = nil
        }
    }
}
