import Glibc

/// The errno a call failed with, turned into what it means for this device.
/// Kept apart from the calls so each errno's message can be checked without
/// the hardware that produces it.
extension HardwareError {
    public enum I2COperation: Sendable {
        case open, selectAddress, write
    }

    public enum GPIOOperation: Sendable {
        case openChip, chipInfo, requestLines([UInt32]), setValues
    }

    public static func i2c(errno code: Int32, operation: I2COperation, path: String, address: Int) -> HardwareError {
        switch (operation, code) {
        case (_, EACCES), (_, EPERM):
            return .permissionDenied(path: path, group: "i2c")
        case (.open, ENOENT), (.open, ENODEV), (.open, ENXIO):
            return .i2cBusMissing(path: path)
        case (.selectAddress, ENOTTY):
            return .notAnI2CBus(path: path)
        case (.selectAddress, EBUSY):
            return .i2cAddressBusy(path: path, address: address)
        // A NACK of the address: bcm2835 reports EREMOTEIO, other adapters ENXIO or EIO.
        case (.write, EREMOTEIO), (.write, ENXIO), (.write, EIO):
            return .nothingAtAddress(path: path, address: address)
        case (.open, _):
            return .system(path: path, operation: "open", errno: code)
        case (.selectAddress, _):
            return .system(path: path, operation: "selecting I2C address \(hex(address))", errno: code)
        case (.write, _):
            return .system(path: path, operation: "writing to \(hex(address))", errno: code)
        }
    }

    public static func gpio(errno code: Int32, operation: GPIOOperation, path: String) -> HardwareError {
        switch (operation, code) {
        case (_, EACCES), (.openChip, EPERM), (.chipInfo, EPERM), (.requestLines, EPERM):
            return .permissionDenied(path: path, group: "gpio")
        case (.openChip, ENOENT), (.openChip, ENODEV), (.openChip, ENXIO):
            return .gpioChipMissing(path: path)
        case (.chipInfo, ENOTTY), (.requestLines, ENOTTY):
            return .notAGPIOChip(path: path)
        case (.requestLines(let lines), EBUSY):
            return .gpioLinesBusy(path: path, lines: lines)
        case (.openChip, _):
            return .system(path: path, operation: "open", errno: code)
        case (.chipInfo, _):
            return .system(path: path, operation: "reading the chip's info", errno: code)
        case (.requestLines(let lines), _):
            return .system(path: path, operation: "requesting lines \(lines) as outputs", errno: code)
        case (.setValues, _):
            return .system(path: path, operation: "setting line levels", errno: code)
        }
    }
}
