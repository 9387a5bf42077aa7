/// The 40-pin header of the Raspberry Pi (B+ and later: 2, 3, 4, 5, Zero):
/// which physical (BOARD) pin carries which Broadcom GPIO. The kernel's GPIO
/// chip numbers its lines by GPIO, while the original device's wiring is
/// written down in physical pins.
public enum RaspberryPiHeader {
    public static let pinCount = 40

    /// Physical pin to BCM GPIO, for every header pin that is a GPIO.
    public static let gpioByPin: [Int: UInt32] = [
        3: 2, 5: 3, 7: 4, 8: 14, 10: 15, 11: 17, 12: 18, 13: 27, 15: 22, 16: 23, 18: 24, 19: 10,
        21: 9, 22: 25, 23: 11, 24: 8, 26: 7, 27: 0, 28: 1, 29: 5, 31: 6, 32: 12, 33: 13, 35: 19,
        36: 16, 37: 26, 38: 20, 40: 21,
    ]

    static let powerPins: [Int: String] = [1: "3.3 V power", 17: "3.3 V power", 2: "5 V power", 4: "5 V power"]
    static let groundPins: Set<Int> = [6, 9, 14, 20, 25, 30, 34, 39]

    /// The BCM GPIO number on physical pin `pin`.
    public static func gpio(forBoardPin pin: Int) throws -> UInt32 {
        if let gpio = gpioByPin[pin] { return gpio }
        guard (1...pinCount).contains(pin) else {
            throw HardwareError.invalidPin("pin \(pin) is not on the 40-pin header (BOARD pins are 1-40)")
        }
        let kind = powerPins[pin] ?? (groundPins.contains(pin) ? "ground" : "not a GPIO")
        throw HardwareError.invalidPin("pin \(pin) is \(kind), not a GPIO: an LED there would never switch")
    }

    /// Checks that `gpio` is a BCM GPIO that reaches the header, and returns it.
    public static func validGPIO(_ gpio: Int) throws -> UInt32 {
        guard gpio >= 0, let line = UInt32(exactly: gpio), gpioByPin.values.contains(line) else {
            throw HardwareError.invalidPin("GPIO \(gpio) is not on the 40-pin header (BCM GPIOs there are 0-27)")
        }
        return line
    }

    /// The physical pin of BCM GPIO `gpio`, for messages.
    public static func boardPin(forGPIO gpio: UInt32) -> Int? {
        gpioByPin.first { $0.value == gpio }?.key
    }
}
