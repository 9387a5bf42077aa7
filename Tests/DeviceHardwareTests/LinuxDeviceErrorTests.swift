import DeviceHardware
import Glibc
import Testing

/// The real kernel interfaces, on a machine without the hardware: only their
/// failure paths can run here, and they must name the right problem.
@Suite("Linux device nodes")
struct LinuxDeviceErrorTests {
    /// A regular file standing in for a device node.
    static func regularFile() throws -> String {
        var template = Array("/tmp/streaktrack-hw-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        close(fd)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test("a missing /dev/i2c-N is 'enable I2C'")
    func missingI2CBus() {
        #expect(throws: HardwareError.i2cBusMissing(path: "/dev/i2c-97")) {
            try LinuxI2CDevice(path: "/dev/i2c-97", address: 0x27)
        }
    }

    @Test("a regular file is not an I2C bus (ENOTTY from I2C_SLAVE)")
    func regularFileIsNotABus() throws {
        let path = try Self.regularFile()
        defer { unlink(path) }
        #expect(throws: HardwareError.notAnI2CBus(path: path)) {
            try LinuxI2CDevice(path: path, address: 0x27)
        }
    }

    @Test("an unreadable node is 'add the user to the i2c group'", .enabled(if: getuid() != 0, "root opens anything"))
    func permissionDenied() throws {
        let path = try Self.regularFile()
        defer { unlink(path) }
        chmod(path, 0)
        #expect(throws: HardwareError.permissionDenied(path: path, group: "i2c")) {
            try LinuxI2CDevice(path: path)
        }
    }

    @Test("a missing /dev/gpiochipN is named")
    func missingGPIOChip() {
        #expect(throws: HardwareError.gpioChipMissing(path: "/dev/gpiochip97")) {
            try LinuxGPIOChip(path: "/dev/gpiochip97")
        }
        #expect(throws: HardwareError.gpioChipMissing(path: "/dev/gpiochip97")) {
            try LEDBank.open(chip: "/dev/gpiochip97")
        }
    }

    @Test("a regular file is not a GPIO chip (ENOTTY from the chip-info ioctl)")
    func regularFileIsNotAChip() throws {
        let path = try Self.regularFile()
        defer { unlink(path) }
        #expect(throws: HardwareError.notAGPIOChip(path: path)) {
            try LinuxGPIOChip(path: path)
        }
    }

    @Test("an unreadable chip is 'add the user to the gpio group'", .enabled(if: getuid() != 0, "root opens anything"))
    func gpioPermissionDenied() throws {
        let path = try Self.regularFile()
        defer { unlink(path) }
        chmod(path, 0)
        #expect(throws: HardwareError.permissionDenied(path: path, group: "gpio")) {
            try LinuxGPIOChip(path: path)
        }
    }
}
