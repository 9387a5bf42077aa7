/// The HD44780 instruction set, as the bytes the driver sends. Only the
/// instructions this driver uses; the bit names are the datasheet's.
enum HD44780Instruction {
    static let clearDisplay: UInt8 = 0x01
    static let returnHome: UInt8 = 0x02

    /// I/D: the address counter counts up after each write; S: the display shifts instead.
    static func entryMode(increment: Bool, shiftDisplay: Bool) -> UInt8 {
        0x04 | (increment ? 0x02 : 0) | (shiftDisplay ? 0x01 : 0)
    }

    /// D, C, B: display on, underline cursor, blinking block.
    static func displayControl(displayOn: Bool, cursor: Bool, blink: Bool) -> UInt8 {
        0x08 | (displayOn ? 0x04 : 0) | (cursor ? 0x02 : 0) | (blink ? 0x01 : 0)
    }

    /// DL, N, F: 8-bit interface, two lines, 5x10 font.
    static func functionSet(eightBit: Bool, twoLines: Bool, tallFont: Bool) -> UInt8 {
        0x20 | (eightBit ? 0x10 : 0) | (twoLines ? 0x08 : 0) | (tallFont ? 0x04 : 0)
    }

    static func setCGRAMAddress(_ address: UInt8) -> UInt8 {
        0x40 | (address & 0x3F)
    }

    static func setDDRAMAddress(_ address: UInt8) -> UInt8 {
        0x80 | (address & 0x7F)
    }

    /// Where the address counter goes after a write at `address` in two-line
    /// mode: each line is 40 cells (0x00-0x27, 0x40-0x67) and the end of one
    /// runs into the start of the other.
    static func ddramAddress(after address: UInt8) -> UInt8 {
        switch address {
        case 0x27: 0x40
        case 0x67: 0x00
        default: address + 1
        }
    }
}
