/// The four LEDs of the original device.
public struct Lights: Equatable, Sendable, CustomStringConvertible {
    public var green = false
    public var yellow = false
    public var blue = false
    public var red = false

    public init(green: Bool = false, yellow: Bool = false, blue: Bool = false, red: Bool = false) {
        self.green = green
        self.yellow = yellow
        self.blue = blue
        self.red = red
    }

    public static let off = Lights()

    public var description: String {
        [("green", green), ("yellow", yellow), ("blue", blue), ("red", red)].map { "\($0.1 ? "●" : "○") \($0.0)" }.joined(separator: " ")
    }
}

/// Where feedback appears: the LCD and LEDs, a terminal rendering of them, or
/// nowhere. The agent sees hardware only through this.
public protocol FeedbackOutput: Sendable {
    /// The screen's size in characters (20x4 on the original device).
    var columns: Int { get }
    var rows: Int { get }
    /// Shows exactly `rows` lines of at most `columns` characters.
    func show(_ lines: [String]) async
    func setLights(_ lights: Lights) async
    /// Screen cleared and LEDs off, for stopping.
    func shutdown() async
}

/// Feedback that goes nowhere (a headless device, tests of other parts).
public struct SilentFeedback: FeedbackOutput {
    public let columns = 20
    public let rows = 4

    public init() {}

    public func show(_ lines: [String]) async {}
    public func setLights(_ lights: Lights) async {}
    public func shutdown() async {}
}
