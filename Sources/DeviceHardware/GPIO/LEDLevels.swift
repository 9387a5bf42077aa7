/// Which of the four LEDs are lit.
public struct LEDLevels: Equatable, Hashable, Sendable {
    public var green: Bool
    public var yellow: Bool
    public var blue: Bool
    public var red: Bool

    public init(green: Bool = false, yellow: Bool = false, blue: Bool = false, red: Bool = false) {
        self.green = green
        self.yellow = yellow
        self.blue = blue
        self.red = red
    }

    public static let allOff = LEDLevels()

    /// In the order LEDPins lists the pins, which is the order the lines are requested in.
    public var levels: [Bool] { [green, yellow, blue, red] }

    public init(_ levels: [Bool]) {
        precondition(levels.count == 4, "four LEDs: green, yellow, blue, red")
        self.init(green: levels[0], yellow: levels[1], blue: levels[2], red: levels[3])
    }
}
