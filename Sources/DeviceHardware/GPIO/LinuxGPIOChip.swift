import CLinuxHardware

/// A GPIO chip (/dev/gpiochipN) of the kernel's GPIO character device, v2 uAPI.
/// Only needed to request lines: the lines stay held after the chip is closed.
public final class LinuxGPIOChip: Sendable {
    public let path: String
    /// The kernel's name for the chip, e.g. "pinctrl-bcm2711" on a Pi 4.
    public let label: String
    public let lineCount: Int
    private let fd: Int32

    public init(path: String = "/dev/gpiochip0") throws {
        self.path = path
        let opened = st_open_device(path)
        guard opened >= 0 else { throw HardwareError.gpio(errno: -opened, operation: .openChip, path: path) }
        var lines: UInt32 = 0
        var name = [CChar](repeating: 0, count: 33)
        let result = st_gpio_chip_lines(opened, &lines, &name, name.count)
        guard result == 0 else {
            _ = st_close(opened)
            throw HardwareError.gpio(errno: -result, operation: .chipInfo, path: path)
        }
        fd = opened
        lineCount = Int(lines)
        label = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        _ = st_close(fd)
    }

    /// Requests `offsets` as outputs, driven low, labelled `consumer` (what
    /// `gpioinfo` shows), and registers them for the crash cleanup.
    public func requestOutputs(_ offsets: [UInt32], consumer: String = "streaktrack") throws -> LinuxGPIOLines {
        precondition((1...64).contains(offsets.count), "the kernel hands out 1 to 64 lines per request")
        let highest = Int(offsets.max() ?? 0)
        guard highest < lineCount else {
            throw HardwareError.tooFewLines(path: path, label: label, has: lineCount, needs: highest + 1)
        }
        let lineFD = offsets.withUnsafeBufferPointer { st_gpio_request_outputs(fd, $0.baseAddress, UInt32($0.count), consumer) }
        guard lineFD >= 0 else {
            throw HardwareError.gpio(errno: -lineFD, operation: .requestLines(offsets), path: path)
        }
        try? CrashCleanup.install()
        return LinuxGPIOLines(fd: lineFD, path: path, offsets: offsets)
    }
}
