/// An HD44780 behind a PCF8574 backpack, driven by the bytes written to the
/// expander, for checking a driver without a module: it latches what the pins
/// hold when E falls, starts in 8-bit mode as the chip does after power-on
/// (so the wake-up nibbles are whole instructions), pairs nibbles once a
/// function set has chosen 4 bits, and keeps DDRAM, CGRAM and the address
/// counter as the datasheet describes.
///
/// Time passes only through `advance(by:)` (and `busTimePerByte` per byte,
/// zero by default: the strictest reading, in which every wait must be an
/// explicit pause). A transfer that arrives while the previous one is still
/// executing, or a pin change that breaks setup or hold times around E, is a
/// violation; the real chip would drop or garble it.
public struct HD44780Simulator: Sendable {
    /// One instruction or data byte as the controller received it.
    public struct Transfer: Equatable, Sendable, CustomStringConvertible {
        public let isData: Bool
        public let value: UInt8
        /// Sent as one 8-bit-interface write (only the high nibble wired): the wake-up sequence.
        public let eightBitInterface: Bool
        public let time: Duration

        public var description: String {
            let hex = HardwareError.hex(Int(value))
            return isData ? "data \(hex)" : eightBitInterface ? "8-bit \(hex)" : "instruction \(hex)"
        }
    }

    public let busTimePerByte: Duration
    public private(set) var transfers: [Transfer] = []
    public private(set) var violations: [String] = []

    public private(set) var backlight = false
    public private(set) var fourBitInterface = false
    public private(set) var twoLines = false
    public private(set) var displayOn = false
    public private(set) var cursorOn = false
    public private(set) var blinkOn = false
    public private(set) var increment = true
    public private(set) var shiftOnWrite = false
    /// Cells the display is shifted right by (negative: left).
    public private(set) var displayShift = 0
    /// 80 bytes: two-line mode's 0x00-0x27 then 0x40-0x67; one-line mode's 0x00-0x4F.
    public private(set) var ddram = [UInt8](repeating: 0x20, count: 80)
    /// Eight glyphs of eight rows.
    public private(set) var cgram = [UInt8](repeating: 0, count: 64)
    public private(set) var addressCounter: UInt8 = 0
    public private(set) var addressingCGRAM = false

    /// The expander powers up with every pin high (E and RW included).
    private var pins: UInt8 = 0xFF
    private var pendingHigh: (nibble: UInt8, isData: Bool)?
    private var now: Duration = .zero
    private var busyUntil: Duration
    private var wakeUps = 0

    /// - Parameter powerOnDelay: how long after time zero the controller is ready (datasheet: 40 ms).
    public init(busTimePerByte: Duration = .zero, powerOnDelay: Duration = .milliseconds(40)) {
        self.busTimePerByte = busTimePerByte
        busyUntil = powerOnDelay
    }

    /// A simulator that has been fed `events`.
    public init(replaying events: [RecordingI2CDevice.Event]) {
        self.init()
        replay(events)
    }

    public mutating func replay(_ events: [RecordingI2CDevice.Event]) {
        for event in events {
            switch event {
            case .write(let bytes): feed(bytes)
            case .pause(let duration): advance(by: duration)
            }
        }
    }

    public mutating func advance(by duration: Duration) {
        now += duration
    }

    public mutating func feed(_ bytes: [UInt8]) {
        for byte in bytes { feed(byte) }
    }

    /// One byte written to the expander: all eight pins change at once.
    public mutating func feed(_ byte: UInt8) {
        now += busTimePerByte
        let e = PCF8574Backpack.enable, control = PCF8574Backpack.registerSelect | PCF8574Backpack.readWrite
        let wasHigh = pins & e != 0, isHigh = byte & e != 0
        if !wasHigh && isHigh && (byte & control) != (pins & control) {
            violations.append("\(now): RS/RW changed in the byte that raised E (40 ns address setup)")
        }
        if wasHigh && !isHigh {
            // What the controller latches is what the pins held while E was high.
            let held = pins
            if held & PCF8574Backpack.readWrite == 0 {
                if (byte ^ held) & ~(e | PCF8574Backpack.backlight) != 0 {
                    violations.append("\(now): RS or data changed in the byte that lowered E (10 ns hold)")
                }
                latch(nibble: held >> PCF8574Backpack.dataShift, isData: held & PCF8574Backpack.registerSelect != 0)
            }
        }
        pins = byte
        backlight = byte & PCF8574Backpack.backlight != 0
    }

    /// Instructions as sent, data left out: what tests compare with the init sequence.
    public var instructions: [UInt8] { transfers.filter { !$0.isData }.map(\.value) }

    public var dataWriteCount: Int { transfers.filter(\.isData).count }

    private mutating func latch(nibble: UInt8, isData: Bool) {
        guard fourBitInterface else {
            // The backpack leaves DB0-DB3 unconnected; they read as 0 here.
            checkReady()
            execute(Transfer(isData: isData, value: nibble << 4, eightBitInterface: true, time: now))
            return
        }
        guard let high = pendingHigh else {
            checkReady()
            pendingHigh = (nibble, isData)
            return
        }
        pendingHigh = nil
        if high.isData != isData { violations.append("\(now): RS changed between the two nibbles of one transfer") }
        execute(Transfer(isData: high.isData, value: high.nibble << 4 | nibble, eightBitInterface: false, time: now))
    }

    private mutating func checkReady() {
        if now < busyUntil {
            violations.append("\(now): transfer while busy until \(busyUntil) (after \(transfers.last?.description ?? "power-on"))")
        }
    }

    private mutating func execute(_ transfer: Transfer) {
        transfers.append(transfer)
        let value = transfer.value
        var takes = Duration.microseconds(37)
        if transfer.isData {
            writeRAM(value)
            takes = .microseconds(41)
        } else if value & 0x80 != 0 {
            setDDRAMAddress(value & 0x7F)
        } else if value & 0x40 != 0 {
            addressCounter = value & 0x3F
            addressingCGRAM = true
        } else if value & 0x20 != 0 {
            fourBitInterface = value & 0x10 == 0
            twoLines = value & 0x08 != 0
            if transfer.eightBitInterface {
                // The wake-up sequence's waits: > 4.1 ms after the first, > 100 µs after the second.
                wakeUps += 1
                takes = wakeUps == 1 ? .microseconds(4100) : wakeUps == 2 ? .microseconds(100) : takes
            }
        } else if value & 0x10 != 0 {
            let right = value & 0x04 != 0
            if value & 0x08 != 0 { displayShift += right ? 1 : -1 } else { stepAddress(forward: right) }
        } else if value & 0x08 != 0 {
            (displayOn, cursorOn, blinkOn) = (value & 0x04 != 0, value & 0x02 != 0, value & 0x01 != 0)
        } else if value & 0x04 != 0 {
            (increment, shiftOnWrite) = (value & 0x02 != 0, value & 0x01 != 0)
        } else if value & 0x02 != 0 {
            (addressCounter, addressingCGRAM, displayShift) = (0, false, 0)
            takes = .microseconds(1520)
        } else if value & 0x01 != 0 {
            ddram = [UInt8](repeating: 0x20, count: 80)
            (addressCounter, addressingCGRAM, displayShift, increment) = (0, false, 0, true)
            takes = .microseconds(1520)
        }
        busyUntil = now + takes
    }

    private mutating func setDDRAMAddress(_ address: UInt8) {
        if ddramIndex(address) == nil {
            violations.append("\(now): DDRAM address \(HardwareError.hex(Int(address))) does not exist in \(twoLines ? "two" : "one")-line mode")
        }
        addressCounter = address
        addressingCGRAM = false
    }

    private mutating func writeRAM(_ value: UInt8) {
        if addressingCGRAM {
            cgram[Int(addressCounter & 0x3F)] = value & 0x1F
        } else if let index = ddramIndex(addressCounter) {
            ddram[index] = value
            if shiftOnWrite { displayShift += increment ? -1 : 1 }
        }
        stepAddress(forward: increment)
    }

    private mutating func stepAddress(forward: Bool) {
        if addressingCGRAM {
            addressCounter = (addressCounter &+ (forward ? 1 : 63)) & 0x3F
            return
        }
        let count = UInt8(twoLines ? 40 : 80)
        let lineStart: UInt8 = twoLines && addressCounter >= 0x40 ? 0x40 : 0
        let offset = (addressCounter - lineStart + (forward ? 1 : count - 1)) % count
        // In two-line mode the end of one line runs into the start of the other.
        let wrapped = forward ? offset == 0 : offset == count - 1
        let nextLine = twoLines && wrapped ? 0x40 - lineStart : lineStart
        addressCounter = nextLine + offset
    }

    /// Where DDRAM `address` is stored, or nil for an address the controller does not have.
    func ddramIndex(_ address: UInt8) -> Int? {
        switch (twoLines, address) {
        case (true, 0x00...0x27): Int(address)
        case (true, 0x40...0x67): Int(address) - 0x40 + 40
        case (false, 0x00...0x4F): Int(address)
        default: nil
        }
    }
}
