import DeviceHardware
import Testing

@Suite("HD44780 initialisation")
struct LCDInitialisationTests {
    @Test("the init sequence is the datasheet's 4-bit initialisation by instruction")
    func initSequence() throws {
        let (_, bus) = try recordedLCD()
        let lcd = HD44780Simulator(replaying: bus.events)
        let wakeUp = lcd.transfers.prefix(4)
        #expect(wakeUp.allSatisfy { $0.eightBitInterface && !$0.isData })
        #expect(wakeUp.map(\.value) == [0x30, 0x30, 0x30, 0x20])
        #expect(lcd.transfers.dropFirst(4).allSatisfy { !$0.eightBitInterface })
        #expect(Array(lcd.instructions.dropFirst(4).prefix(5)) == [0x28, 0x08, 0x01, 0x06, 0x0C])
        #expect(lcd.fourBitInterface && lcd.twoLines && lcd.displayOn && !lcd.cursorOn && !lcd.blinkOn && lcd.increment)
        #expect(lcd.violations == [])
    }

    @Test("E is brought low before anything is clocked in, then the power-on wait")
    func settlesFirst() throws {
        let (_, bus) = try recordedLCD()
        let events = bus.events
        #expect(events.first == .write([0x08]))
        guard case .pause(let wait) = events[1] else { Issue.record("no wait after power-on"); return }
        #expect(wait >= .milliseconds(40))
    }

    @Test("each wait the driver asks for is at least the datasheet's", arguments: [LCDTiming.standard, .datasheetMinimum])
    func waitsCoverExecutionTimes(timing: LCDTiming) throws {
        let (lcd, bus) = try recordedLCD(timing: timing)
        try lcd.show(lines: ["Welcome", "   to", "StreakTrack", ""])
        try lcd.clear()
        try lcd.home()
        try lcd.show(lines: ["Ada Lovelace", "Attendance marked"])
        // No bus time at all: every execution time must be covered by an explicit wait.
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.violations == [])
        #expect(simulator.transfers.count > 60)
    }

    @Test("the standard timing is no shorter than the datasheet's anywhere")
    func standardTimingHasMargin() {
        let standard = LCDTiming.standard, minimum = LCDTiming.datasheetMinimum
        #expect(standard.powerOn > .milliseconds(40) && minimum.powerOn >= .milliseconds(40))
        #expect(standard.firstWakeUp > .microseconds(4100) && minimum.firstWakeUp >= .microseconds(4100))
        #expect(standard.secondWakeUp > .microseconds(100) && minimum.secondWakeUp >= .microseconds(100))
        #expect(standard.instruction >= minimum.instruction && minimum.instruction >= .microseconds(37))
        #expect(standard.dataWrite >= minimum.dataWrite && minimum.dataWrite >= .microseconds(41))
        #expect(standard.clearOrHome >= minimum.clearOrHome && minimum.clearOrHome >= .microseconds(1520))
    }

    @Test("waits shorter than the datasheet's are caught by the simulator")
    func shortWaitsAreCaught() throws {
        var hurried = LCDTiming.datasheetMinimum
        hurried.firstWakeUp = .milliseconds(1)
        hurried.clearOrHome = .microseconds(100)
        let (_, bus) = try recordedLCD(timing: hurried)
        let violations = HD44780Simulator(replaying: bus.events).violations
        #expect(violations.count == 2)
        #expect(violations.allSatisfy { $0.contains("busy") })
    }

    @Test("every nibble is E high then E low with the same pins, and RS is set up before E rises")
    func strobeShape() throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: ["✓ Ada", "x"])
        let writes = bus.events.compactMap { event -> [UInt8]? in
            if case .write(let bytes) = event { return bytes }
            return nil
        }
        for bytes in writes.dropFirst() {
            // An optional set-up byte with E low, then (pins | E, pins) pairs.
            let pairs = bytes.count % 2 == 1 ? Array(bytes.dropFirst()) : bytes
            for index in stride(from: 0, to: pairs.count, by: 2) {
                #expect(pairs[index] & 0x04 != 0 && pairs[index + 1] == pairs[index] & ~0x04)
            }
        }
        #expect(HD44780Simulator(replaying: bus.events).violations == [])
    }
}
