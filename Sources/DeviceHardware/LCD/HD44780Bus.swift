/// Transfers to an HD44780 through a PCF8574 backpack, each followed by the
/// wait it needs. One I2C write per transfer, because the wait has to come
/// between the transfer and the next one, and the bus cannot be told to pause.
final class HD44780Bus {
    private let device: any I2CDevice
    private let sleep: @Sendable (Duration) -> Void
    private(set) var backlight: Bool
    /// What the expander's pins show now; nil until the first write, as the
    /// PCF8574 powers up with every pin high.
    private var pins: UInt8?

    init(device: any I2CDevice, backlight: Bool, sleep: @escaping @Sendable (Duration) -> Void) {
        self.device = device
        self.backlight = backlight
        self.sleep = sleep
    }

    /// All pins low but the backlight: E low before anything is clocked in.
    func settle(then wait: Duration) throws {
        try put([PCF8574Backpack.output(nibble: 0, isData: false, backlight: backlight)])
        sleep(wait)
    }

    /// One nibble alone, which the controller takes as a whole 8-bit
    /// instruction while it is still in 8-bit mode (the wake-up sequence).
    func wakeUpNibble(_ nibble: UInt8, then wait: Duration) throws {
        try transfer(nibbles: [nibble], isData: false, then: wait)
    }

    func instruction(_ byte: UInt8, then wait: Duration) throws {
        try transfer(nibbles: [byte >> 4, byte & 0x0F], isData: false, then: wait)
    }

    func data(_ byte: UInt8, then wait: Duration) throws {
        try transfer(nibbles: [byte >> 4, byte & 0x0F], isData: true, then: wait)
    }

    /// The backlight is an expander pin of its own, so switching it clocks nothing in.
    func setBacklight(_ on: Bool) throws {
        backlight = on
        let base = pins ?? PCF8574Backpack.output(nibble: 0, isData: false, backlight: on)
        try put([on ? base | PCF8574Backpack.backlight : base & ~PCF8574Backpack.backlight])
    }

    private func transfer(nibbles: [UInt8], isData: Bool, then wait: Duration) throws {
        try put(PCF8574Backpack.frame(nibbles: nibbles, isData: isData, backlight: backlight, previous: pins))
        sleep(wait)
    }

    private func put(_ bytes: [UInt8]) throws {
        do {
            try device.write(bytes)
            pins = bytes.last
        } catch {
            pins = nil
            throw error
        }
    }
}
