import CLinuxHardware

/// Turns the LEDs off when the process dies on a fault. The kernel releases a
/// dead process's lines but leaves them at their last level, so without this
/// a crash during "Attendance marked" leaves the green LED lit on a device
/// that no longer works. The work happens in C (linux_hardware.h), because a
/// signal handler may only make async-signal-safe calls on fds it already has.
///
/// SIGTERM and SIGINT are not handled here: the agent shuts down on those and
/// calls `LEDBank.release()`. SIGKILL cannot be caught, so after one the
/// lines stay as they were until the next start requests them (driven low).
public enum CrashCleanup {
    /// Installs the handlers (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP)
    /// and an atexit hook. Idempotent; LinuxGPIOChip calls it for every request.
    public static func install() throws {
        let result = st_cleanup_install()
        guard result == 0 else {
            throw HardwareError.system(path: "signal handlers", operation: "installing the crash cleanup", errno: -result)
        }
    }

    /// Drives every registered line low and closes it, now.
    public static func runNow() {
        st_cleanup_run()
    }

    /// False when all slots are taken: the lines then work but stay lit after a crash.
    static func register(lineFD: Int32, lineCount: Int) -> Bool {
        st_cleanup_register_fd(lineFD, UInt32(lineCount)) == 0
    }

    static func unregister(lineFD: Int32) {
        _ = st_cleanup_unregister_fd(lineFD)
    }
}
