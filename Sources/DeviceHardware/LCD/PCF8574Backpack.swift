/// How the common PCF8574 "I2C backpack" wires its eight outputs to the LCD:
/// P0 RS, P1 RW, P2 E, P3 backlight transistor, P4..P7 D4..D7. Only four data
/// lines are wired, so the controller runs in 4-bit mode. The expander cannot
/// be read through, so RW is always low (write).
enum PCF8574Backpack {
    static let registerSelect: UInt8 = 0x01
    static let readWrite: UInt8 = 0x02
    static let enable: UInt8 = 0x04
    static let backlight: UInt8 = 0x08
    static let dataShift: UInt8 = 4

    /// The expander's outputs for `nibble` on D4..D7 with E low.
    static func output(nibble: UInt8, isData: Bool, backlight on: Bool) -> UInt8 {
        (nibble & 0x0F) << dataShift | (isData ? registerSelect : 0) | (on ? backlight : 0)
    }

    /// Bus bytes that clock `nibbles` into the controller, starting from the
    /// expander's current `previous` outputs (nil when unknown).
    ///
    /// Each nibble is (output | E) then (output): the controller latches on
    /// E's falling edge, and E stays high for one I2C byte time (90 µs at the
    /// PCF8574's 100 kHz, 22 µs even at 400 kHz), far above the 450 ns minimum
    /// pulse. RS must be steady 40 ns before E rises, but the expander changes
    /// all its pins at once, so when RS differs from what the pins show now, a
    /// byte with E low sets RS up first.
    static func frame(nibbles: [UInt8], isData: Bool, backlight on: Bool, previous: UInt8?) -> [UInt8] {
        guard let first = nibbles.first else { return [] }
        let setupNeeded = previous.map { $0 & (registerSelect | readWrite | enable) != (isData ? registerSelect : 0) } ?? true
        var bytes = setupNeeded ? [output(nibble: first, isData: isData, backlight: on)] : []
        for nibble in nibbles {
            let out = output(nibble: nibble, isData: isData, backlight: on)
            bytes += [out | enable, out]
        }
        return bytes
    }
}
