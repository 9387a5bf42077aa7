/// The four status LEDs, green, yellow, blue and red, on lines requested in
/// that order.
public struct LEDBank: Sendable {
    public let lines: any GPIOOutputLines

    public init(lines: any GPIOOutputLines) {
        precondition(lines.count == 4, "four lines: green, yellow, blue, red")
        self.lines = lines
    }

    /// Requests the LEDs' lines from the kernel, all off.
    public static func open(chip path: String = "/dev/gpiochip0", pins: LEDPins = .streakTrack,
                            consumer: String = "streaktrack") throws -> LEDBank {
        let chip = try LinuxGPIOChip(path: path)
        return LEDBank(lines: try chip.requestOutputs(pins.offsets, consumer: consumer))
    }

    public func set(_ levels: LEDLevels) throws {
        try lines.set(levels.levels)
    }

    /// All off, lines given back: for shutdown.
    public func release() {
        lines.release()
    }
}
