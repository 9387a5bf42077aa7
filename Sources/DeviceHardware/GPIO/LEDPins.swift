/// Where the four LEDs are wired, as BCM GPIO numbers (the chip's line offsets).
public struct LEDPins: Equatable, Sendable {
    public let green: UInt32
    public let yellow: UInt32
    public let blue: UInt32
    public let red: UInt32

    /// From physical (BOARD) pin numbers, as the original device's wiring is written.
    public init(boardGreen green: Int, yellow: Int, blue: Int, red: Int) throws {
        try self.init(gpios: [green, yellow, blue, red].map(RaspberryPiHeader.gpio(forBoardPin:)))
    }

    /// From BCM GPIO numbers.
    public init(bcmGreen green: Int, yellow: Int, blue: Int, red: Int) throws {
        try self.init(gpios: [green, yellow, blue, red].map(RaspberryPiHeader.validGPIO))
    }

    private init(gpios: [UInt32]) throws {
        guard Set(gpios).count == gpios.count else {
            throw HardwareError.invalidPin("two LEDs are on the same pin (GPIOs \(gpios)): each needs its own")
        }
        (green, yellow, blue, red) = (gpios[0], gpios[1], gpios[2], gpios[3])
    }

    /// The original device: green 32, yellow 36, blue 38, red 40 (BCM 12, 16, 20, 21).
    public static let streakTrack = LEDPins(verified: 12, 16, 20, 21)

    private init(verified green: UInt32, _ yellow: UInt32, _ blue: UInt32, _ red: UInt32) {
        (self.green, self.yellow, self.blue, self.red) = (green, yellow, blue, red)
    }

    /// Line offsets in LEDLevels order.
    public var offsets: [UInt32] { [green, yellow, blue, red] }
}
