import DeviceHardware
import Testing

/// The simulator is what the driver's tests trust, so it gets checked against
/// hand-made byte sequences, not against the driver.
@Suite("HD44780 simulator")
struct HD44780SimulatorTests {
    /// Pins for a nibble with backlight on: (pins | E), (pins), as a backpack would see them.
    func strobe(_ nibble: UInt8, data: Bool = false) -> [UInt8] {
        let pins = nibble << 4 | 0x08 | (data ? 0x01 : 0)
        return [pins | 0x04, pins]
    }

    /// A whole byte, after a byte with E low that sets RS up.
    func byte(_ value: UInt8, data: Bool = false) -> [UInt8] {
        let high = strobe(value >> 4, data: data)
        return [high[1]] + high + strobe(value & 0x0F, data: data)
    }

    /// Powered up and initialised by hand, with generous waits.
    func initialised() -> HD44780Simulator {
        var lcd = HD44780Simulator()
        lcd.advance(by: .milliseconds(50))
        lcd.feed([0x08])
        for nibble: UInt8 in [3, 3, 3, 2] {
            lcd.feed(strobe(nibble))
            lcd.advance(by: .milliseconds(5))
        }
        for instruction: UInt8 in [0x28, 0x08, 0x01, 0x06, 0x0C] {
            lcd.feed(byte(instruction))
            lcd.advance(by: .milliseconds(2))
        }
        return lcd
    }

    @Test("it starts in 8-bit mode and pairs nibbles only after the 0x2 function set")
    func interfaceModes() {
        let lcd = initialised()
        #expect(lcd.transfers.map(\.eightBitInterface) == [true, true, true, true, false, false, false, false, false])
        #expect(lcd.instructions == [0x30, 0x30, 0x30, 0x20, 0x28, 0x08, 0x01, 0x06, 0x0C])
        #expect(lcd.violations == [])
    }

    @Test("E falling from the expander's power-up state with RW high is a read, not a write")
    func powerUpByteIsNotAWrite() {
        var lcd = HD44780Simulator()
        lcd.feed([0x08])
        #expect(lcd.transfers.isEmpty)
    }

    @Test("the address counter runs from line 1's end into line 2 and row 0 into row 2")
    func addressCounter() {
        var lcd = initialised()
        lcd.feed(byte(0x80 | 0x26))
        lcd.advance(by: .milliseconds(1))
        for character in Array("xyz".utf8) {
            lcd.feed(byte(character, data: true))
            lcd.advance(by: .milliseconds(1))
        }
        #expect(lcd.addressCounter == 0x41)
        lcd.feed(byte(0x80 | 0x13))
        lcd.advance(by: .milliseconds(1))
        for character in Array("AB".utf8) {
            lcd.feed(byte(character, data: true))
            lcd.advance(by: .milliseconds(1))
        }
        let screen = lcd.screen(rows: 4, columns: 20)
        #expect(screen[0].last == "A" && screen[2].first == "B")
        #expect(lcd.violations == [])
    }

    @Test("writes while busy, setup and hold breaches and missing addresses are reported")
    func violations() {
        var lcd = initialised()
        lcd.feed(byte(0x01))
        lcd.feed(byte(0x80))
        #expect(lcd.violations.count == 1 && lcd.violations[0].contains("busy"))

        lcd = initialised()
        // RS rising together with E.
        lcd.feed([0x08, 0x4D, 0x49])
        #expect(lcd.violations.contains { $0.contains("raised E") })

        lcd = initialised()
        // Data changing in the byte that lowers E.
        lcd.feed([0x4C, 0x58])
        #expect(lcd.violations.contains { $0.contains("lowered E") })

        lcd = initialised()
        lcd.feed(byte(0x80 | 0x30))
        #expect(lcd.violations.contains { $0.contains("0x30 does not exist") })
    }

    @Test("the A00 ROM's Yen and arrows, and codes it has no ASCII for, show up on screen")
    func romRendering() {
        var lcd = initialised()
        for code: UInt8 in [0x5C, 0x7E, 0x7F, 0xB1, 0x41, 0x05] {
            lcd.feed(byte(code, data: true))
            lcd.advance(by: .milliseconds(1))
        }
        #expect(lcd.screen(rows: 2, columns: 8)[0] == "¥→←\u{FFFD}A\u{FFFD}  ")
    }

    @Test("display off shows nothing; the backlight bit is tracked byte by byte")
    func displayAndBacklight() {
        var lcd = initialised()
        lcd.feed(byte(0x41, data: true))
        lcd.advance(by: .milliseconds(1))
        #expect(lcd.screen(rows: 2, columns: 16)[0].hasPrefix("A"))
        lcd.feed(byte(0x08))
        #expect(lcd.screen(rows: 2, columns: 16)[0] == String(repeating: " ", count: 16))
        #expect(lcd.backlight)
        lcd.feed([0x00])
        #expect(!lcd.backlight)
    }
}
