import Glibc

/// Why the LCD or the LEDs could not be used. Each description says what is
/// wrong and what to do about it, because the person reading it is usually
/// standing next to a device with a screwdriver, not reading the source.
public enum HardwareError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The /dev/i2c-N node does not exist: I2C is off, or the bus number is wrong.
    case i2cBusMissing(path: String)
    /// The node exists but this user may not open it.
    case permissionDenied(path: String, group: String)
    /// The path opened, but it is not an i2c-dev bus (the I2C_SLAVE ioctl was refused).
    case notAnI2CBus(path: String)
    /// A kernel driver has claimed the address, so user space may not talk to it.
    case i2cAddressBusy(path: String, address: Int)
    /// No device acknowledged its address.
    case nothingAtAddress(path: String, address: Int)
    /// The /dev/gpiochipN node does not exist.
    case gpioChipMissing(path: String)
    /// The path opened, but it is not a GPIO character device.
    case notAGPIOChip(path: String)
    /// Another program, or a kernel driver, holds one of the lines.
    case gpioLinesBusy(path: String, lines: [UInt32])
    /// The chip has fewer lines than the highest offset asked for: the wrong chip.
    case tooFewLines(path: String, label: String, has: Int, needs: Int)
    /// A header pin that is not a GPIO (power, ground) or not on the header.
    case invalidPin(String)
    /// Lines released earlier were used again.
    case linesReleased(path: String)
    /// Any other failure of a system call, with its errno.
    case system(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .i2cBusMissing(let path):
            "no \(path): enable I2C with `sudo raspi-config nonint do_i2c 0` (or dtparam=i2c_arm=on in "
                + "/boot/firmware/config.txt) and reboot; `ls /dev/i2c-*` lists the buses there are"
        case .permissionDenied(let path, let group):
            "permission denied opening \(path): add the user to the \(group) group "
                + "(`sudo usermod -aG \(group) $USER`, then log in again), or run as the streaktrack service user"
        case .notAnI2CBus(let path):
            "\(path) is not an I2C bus (it refused the I2C_SLAVE ioctl): give the /dev/i2c-N device the LCD is on"
        case .i2cAddressBusy(let path, let address):
            "\(Self.hex(address)) on \(path) is claimed by a kernel driver, so this program may not use it: "
                + "remove the dtoverlay that binds it (e.g. an hd44780/pcf857x overlay in /boot/firmware/config.txt) "
                + "or unbind the driver; `i2cdetect -y \(Self.busNumber(path))` shows it as UU"
        case .nothingAtAddress(let path, let address):
            "nothing answers at \(Self.hex(address)) on \(path): check the wiring (SDA to pin 3, SCL to pin 5, "
                + "VCC to pin 2, GND to pin 6) and the address; `i2cdetect -y \(Self.busNumber(path))` lists what answers "
                + "(PCF8574 backpacks are at 0x20-0x27, PCF8574A ones at 0x38-0x3F)"
        case .gpioChipMissing(let path):
            "no \(path): the GPIO character device is missing; `ls /dev/gpiochip*` lists the chips "
                + "(the Pi 4's header is gpiochip0, on a kernel older than 6.6.45 a Pi 5's is gpiochip4)"
        case .notAGPIOChip(let path):
            "\(path) is not a GPIO chip (it refused the chip-info ioctl): give a /dev/gpiochipN device"
        case .gpioLinesBusy(let path, let lines):
            "GPIO line(s) \(lines.map(String.init).joined(separator: ", ")) on \(path) are held by another program "
                + "or a kernel driver (another streaktrack still running, a gpio-led/gpio-key dtoverlay): "
                + "`gpioinfo` shows who holds them; stop it or choose other pins"
        case .tooFewLines(let path, let label, let has, let needs):
            "\(path) (\(label)) has \(has) lines but line \(needs - 1) is needed: this is not the chip of the 40-pin "
                + "header; `gpioinfo` lists the chips and their lines"
        case .invalidPin(let reason):
            reason
        case .linesReleased(let path):
            "the GPIO lines of \(path) were already released: request them again"
        case .system(let path, let operation, let errno):
            "\(operation) on \(path) failed: \(Self.errnoName(errno))"
        }
    }

    static func hex(_ address: Int) -> String {
        let digits = String(address, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" + digits : digits)
    }

    /// The N of /dev/i2c-N, for the i2cdetect hint; 1 (the Pi's header bus) when the path has none.
    static func busNumber(_ path: String) -> String {
        let digits = path.reversed().prefix { $0.isNumber }
        return digits.isEmpty ? "1" : String(digits.reversed())
    }

    static func errnoName(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}
