/// A character LCD with an HD44780-compatible controller behind a PCF8574
/// I2C backpack (the usual 16x2 and 20x4 modules).
///
/// The driver never reads the module (the backpack's RW pin is tied to write
/// in practice), so it keeps what it knows itself: where the controller's
/// address counter points and what each cell shows. `show(lines:)` uses that
/// to send only the cells that change. Not thread-safe: give it one owner
/// (an actor, say).
public final class CharacterLCD {
    public let geometry: LCDGeometry
    public let encoder: LCDTextEncoder
    public let timing: LCDTiming
    private let bus: HD44780Bus
    private var shadow: ScreenShadow
    /// The DDRAM address counter, when known; nil after a CGRAM write or a failure.
    private var address: UInt8?

    /// Initialises the controller (the datasheet's initialisation by
    /// instruction, which works whatever state it was left in), clears it and
    /// loads the encoder's custom glyphs.
    ///
    /// - Parameter sleep: waits between transfers; tests pass one that records instead.
    public init(device: any I2CDevice, geometry: LCDGeometry = .twentyByFour, encoder: LCDTextEncoder = .standard,
                timing: LCDTiming = .standard, backlight: Bool = true,
                sleep: @escaping @Sendable (Duration) -> Void = BlockingSleep.sleep) throws {
        self.geometry = geometry
        self.encoder = encoder
        self.timing = timing
        bus = HD44780Bus(device: device, backlight: backlight, sleep: sleep)
        shadow = ScreenShadow(rows: geometry.rows, columns: geometry.columns)
        try reset()
    }

    public var backlight: Bool { bus.backlight }

    /// Runs the initialisation again: for a module that was unplugged or shows garbage.
    public func reset() throws {
        try tracking {
            try bus.settle(then: timing.powerOn)
            // Three 8-bit function sets bring the controller to a known 8-bit
            // state from any state, including half-way through a 4-bit transfer.
            try bus.wakeUpNibble(0x3, then: timing.firstWakeUp)
            try bus.wakeUpNibble(0x3, then: timing.secondWakeUp)
            try bus.wakeUpNibble(0x3, then: timing.instruction)
            // Still an 8-bit write, that switches to 4-bit; from here each byte is two nibbles.
            try bus.wakeUpNibble(0x2, then: timing.instruction)
            try bus.instruction(HD44780Instruction.functionSet(eightBit: false, twoLines: true, tallFont: false), then: timing.instruction)
            try bus.instruction(HD44780Instruction.displayControl(displayOn: false, cursor: false, blink: false), then: timing.instruction)
            try clear()
            try bus.instruction(HD44780Instruction.entryMode(increment: true, shiftDisplay: false), then: timing.instruction)
            try bus.instruction(HD44780Instruction.displayControl(displayOn: true, cursor: false, blink: false), then: timing.instruction)
            for (slot, custom) in encoder.customCharacters.enumerated() {
                try defineCharacter(slot: slot, glyph: custom.glyph)
            }
        }
    }

    public func clear() throws {
        try tracking {
            try bus.instruction(HD44780Instruction.clearDisplay, then: timing.clearOrHome)
            address = 0
            shadow.fill(0x20)
        }
    }

    /// Cursor to the first cell; also undoes a display shift.
    public func home() throws {
        try tracking {
            try bus.instruction(HD44780Instruction.returnHome, then: timing.clearOrHome)
            address = 0
        }
    }

    public func moveCursor(row: Int, column: Int) throws {
        let target = geometry.address(row: row, column: column)
        try tracking {
            try bus.instruction(HD44780Instruction.setDDRAMAddress(target), then: timing.instruction)
            address = target
        }
    }

    /// Writes `text` from the cursor on, one cell per encoded byte. Like the
    /// controller, it does not wrap at the row's end: on a 20x4 the first row
    /// runs on into the third.
    public func write(_ text: String) throws {
        try write(bytes: encoder.encode(text))
    }

    /// Writes raw character codes (0-7 are the custom glyphs) from the cursor on.
    public func write(bytes: [UInt8]) throws {
        try tracking {
            for byte in bytes {
                try bus.data(byte, then: timing.dataWrite)
                guard let written = address else { continue }
                if let cell = geometry.cell(at: written) { shadow.set(row: cell.row, column: cell.column, to: byte) }
                address = HD44780Instruction.ddramAddress(after: written)
            }
        }
    }

    public func setBacklight(_ on: Bool) throws {
        try bus.setBacklight(on)
    }

    /// Stores `glyph` as character code `slot` (0-7). Cells already showing it
    /// change at once. The cursor goes back where it was: the controller's
    /// address counter is left in CGRAM, where the next text would overwrite glyphs.
    public func defineCharacter(slot: Int, glyph: LCDGlyph) throws {
        precondition((0..<8).contains(slot), "CGRAM has slots 0-7")
        try tracking {
            let resume = address ?? 0
            address = nil
            try bus.instruction(HD44780Instruction.setCGRAMAddress(UInt8(slot) << 3), then: timing.instruction)
            for row in glyph.rows {
                try bus.data(row, then: timing.dataWrite)
            }
            try bus.instruction(HD44780Instruction.setDDRAMAddress(resume), then: timing.instruction)
            address = resume
        }
    }

    /// Makes the glass show `lines` (missing rows blank, extra ones dropped,
    /// each padded or cut to the width), writing only cells that differ from
    /// what it shows now, and moving the cursor only where a run of changed
    /// cells does not start where the last one ended.
    public func show(lines: [String]) throws {
        let screen = (0..<geometry.rows).map { row in
            encoder.encodeLine(row < lines.count ? lines[row] : "", width: geometry.columns)
        }
        try tracking {
            for run in shadow.runs(to: screen) {
                let start = geometry.address(row: run.row, column: run.column)
                if address != start { try moveCursor(row: run.row, column: run.column) }
                try write(bytes: run.bytes)
            }
        }
    }

    /// After a failed write, neither the cursor nor the glass is known; the
    /// next update rewrites everything rather than trust a guess.
    private func tracking(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            address = nil
            shadow.forget()
            throw error
        }
    }
}
