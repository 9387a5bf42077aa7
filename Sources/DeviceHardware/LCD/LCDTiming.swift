/// How long the driver waits after each step. The HD44780's busy flag cannot
/// be read through a write-only PCF8574 backpack, so every wait is a fixed
/// sleep, and it has to cover the slowest controller: the datasheet's times
/// are for a 270 kHz oscillator, which may run as slow as 190 kHz (times 1.42).
public struct LCDTiming: Equatable, Sendable {
    /// After power-on, before the first write (datasheet: > 40 ms after VCC reaches 2.7 V).
    public var powerOn: Duration
    /// After the first 0x3 wake-up nibble (> 4.1 ms).
    public var firstWakeUp: Duration
    /// After the second 0x3 wake-up nibble (> 100 µs).
    public var secondWakeUp: Duration
    /// After any other instruction (37 µs).
    public var instruction: Duration
    /// After a data write to DDRAM or CGRAM (37 µs + 4 µs for the address counter).
    public var dataWrite: Duration
    /// After clear display and return home (1.52 ms).
    public var clearOrHome: Duration

    public init(powerOn: Duration, firstWakeUp: Duration, secondWakeUp: Duration,
                instruction: Duration, dataWrite: Duration, clearOrHome: Duration) {
        self.powerOn = powerOn
        self.firstWakeUp = firstWakeUp
        self.secondWakeUp = secondWakeUp
        self.instruction = instruction
        self.dataWrite = dataWrite
        self.clearOrHome = clearOrHome
    }

    /// The HD44780U datasheet's figures at 270 kHz: the least any driver may wait.
    public static let datasheetMinimum = LCDTiming(
        powerOn: .milliseconds(40), firstWakeUp: .microseconds(4100), secondWakeUp: .microseconds(100),
        instruction: .microseconds(37), dataWrite: .microseconds(41), clearOrHome: .microseconds(1520))

    /// The minimum with room for a slow oscillator and clone controllers.
    public static let standard = LCDTiming(
        powerOn: .milliseconds(50), firstWakeUp: .milliseconds(5), secondWakeUp: .microseconds(200),
        instruction: .microseconds(100), dataWrite: .microseconds(100), clearOrHome: .milliseconds(3))
}
