import DeviceHardware
import Testing

@Suite("LCD screens")
struct LCDScreenTests {
    /// The screens the agent shows on the original device's 20x4.
    static let agentScreens: [[String]] = [
        ["StreakTrack is On", "", "", ""],
        ["Connected", "", "", ""],
        ["Welcome", "   to", "StreakTrack", ""],
        ["Students received", "4 students", "", ""],
        ["Please Wait...", "", "", ""],
        ["Ada Lovelace", "Attendance marked", "", ""],
        ["Ada Lovelace", "Already marked", "", ""],
        ["Unknown Person", "", "", ""],
        ["Error", "server unreachable", "", ""],
        ["Updating faces", "3 of 12", "[#####.......]", "(offline)"],
        ["Ada Lovelace", "Grace Hopper", "+2 more", "Attendance marked"],
    ]

    @Test("each agent screen shown through show(lines:) decodes back exactly", arguments: agentScreens)
    func agentScreenDecodes(lines: [String]) throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: lines)
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.screen(rows: 4, columns: 20) == padded(lines, columns: 20))
        #expect(simulator.violations == [])
    }

    @Test("the screens in a row, each over the last, decode back exactly")
    func screensInSequence() throws {
        let (lcd, bus) = try recordedLCD()
        var simulator = HD44780Simulator(replaying: bus.takeEvents())
        for lines in Self.agentScreens {
            try lcd.show(lines: lines)
            simulator.replay(bus.takeEvents())
            #expect(simulator.screen(rows: 4, columns: 20) == padded(lines, columns: 20))
        }
        #expect(!simulator.instructions.dropFirst(9).contains(0x01), "no clear after initialisation")
        #expect(simulator.violations == [])
    }

    @Test("a long name is cut with a '.' in the last cell")
    func longNameIsCut() throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: ["Maximilian Alexander von Humboldt", "Attendance marked"])
        let screen = HD44780Simulator(replaying: bus.events).screen(.twentyByFour)
        #expect(screen == ["Maximilian Alexande.", "Attendance marked   ", String(repeating: " ", count: 20), String(repeating: " ", count: 20)])
    }

    @Test("non-ASCII names decode to transliterated ASCII", arguments: [
        ("José Ñúñez", "Jose Nunez"),
        ("Zoë Øster", "Zoe Oster"),
        ("Łukasz Żółć", "Lukasz Zolc"),
        ("Dmitri Шостакович", "Dmitri Shostakovich"),
        ("Søren Kierkegaard-Æbelø", "Soren Kierkegaard-A."),
        ("Straße 5 ~ \\home", "Strasse 5 - /home"),
        ("Αθηνά Ζαχαρία", "Athina Zacharia"),
        ("王小明", "???"),
    ])
    func nonASCIINames(name: String, shown: String) throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: [name, "Attendance marked"])
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.screen(.twentyByFour)[0] == padded([shown], columns: 20)[0])
        let codes = simulator.codes(.twentyByFour).joined()
        #expect(codes.allSatisfy { (0x20...0x7D).contains($0) && $0 != 0x5C })
    }

    @Test("custom glyphs land in CGRAM with their bitmaps and print where their characters are")
    func customGlyphs() throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: ["✓ Ada Lovelace", "✗ Unknown", "📶 Connected", "✔️ ok"])
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.glyph(slot: 0) == .checkMark)
        #expect(simulator.glyph(slot: 1) == .cross)
        #expect(simulator.glyph(slot: 2) == .wifi)
        #expect(Array(simulator.cgram[0..<8]) == [0x00, 0x01, 0x03, 0x16, 0x1C, 0x08, 0x00, 0x00])
        #expect(simulator.screen(.twentyByFour) == padded(["✓ Ada Lovelace", "✗ Unknown", "📶 Connected", "✓ ok"], columns: 20))
        #expect(simulator.codes(.twentyByFour).map(\.first) == [0, 1, 2, 0])
    }

    @Test("a glyph defined later replaces its slot and cells showing it")
    func redefineGlyph() throws {
        let (lcd, bus) = try recordedLCD()
        let heart = LCDGlyph(picture: [".....", ".#.#.", "#####", "#####", ".###.", "..#..", ".....", "....."])
        try lcd.show(lines: ["", "  Thanks"])
        try lcd.defineCharacter(slot: 3, glyph: heart)
        try lcd.moveCursor(row: 1, column: 0)
        try lcd.write(bytes: [3])
        try lcd.write("!")
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.glyph(slot: 3) == heart)
        #expect(simulator.screen(rows: 4, columns: 20, glyphs: [heart: "♥"])[1] == "♥!Thanks" + String(repeating: " ", count: 12))
    }

    @Test("a second show with one changed word writes only those cells")
    func incrementalUpdate() throws {
        let (lcd, bus) = try recordedLCD()
        var decoded = DecodedBus(bus)
        let first = ["Ada Lovelace", "Attendance marked", "", ""]
        let second = ["Ada Lovelace", "Already marked", "", ""]
        try lcd.show(lines: first)
        _ = decoded.catchUp()

        try lcd.show(lines: second)
        let update = decoded.catchUp()
        let changed = zip(padded(first, columns: 20)[1], padded(second, columns: 20)[1]).filter { $0 != $1 }.count
        #expect(update.filter(\.isData).count == changed)
        #expect(update.filter { !$0.isData }.allSatisfy { $0.value & 0x80 != 0 }, "only cursor moves, no clear")
        #expect(decoded.simulator.screen(.twentyByFour) == padded(second, columns: 20))

        try lcd.show(lines: ["Ada Lovelace", "Already marked", "", "4 students"])
        // The space between "4" and "students" is already blank.
        #expect(decoded.catchUp().filter(\.isData).count == 9)
        try lcd.show(lines: ["Ada Lovelace", "Already marked", "", "5 students"])
        let oneCell = decoded.catchUp()
        #expect(oneCell.map(\.isData) == [false, true])
        #expect(oneCell.map(\.value) == [0x80 | 0x54, UInt8(ascii: "5")])
        #expect(decoded.simulator.violations == [])
    }

    @Test("the same screen again writes nothing")
    func unchangedScreen() throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: ["Connected"])
        _ = bus.takeEvents()
        try lcd.show(lines: ["Connected", "", "", ""])
        #expect(bus.events.isEmpty)
    }

    @Test("the cursor is moved only where a run does not continue the last one")
    func cursorMovesOnlyWhenNeeded() throws {
        let (lcd, bus) = try recordedLCD()
        var decoded = DecodedBus(bus)
        // Row 0 ends at 0x13 and the counter runs on to 0x14, the start of row 2.
        try lcd.show(lines: [String(repeating: "A", count: 20), "", "B", ""])
        let update = decoded.catchUp()
        #expect(update.filter { !$0.isData }.isEmpty)
        #expect(update.count == 21)
        // A gap in one row costs one move, not a rewrite of the gap.
        try lcd.show(lines: ["xAAAAAAAAAAAAAAAAAAy", "", "B", ""])
        #expect(decoded.catchUp().map(\.value) == [0x80, UInt8(ascii: "x"), 0x80 | 0x13, UInt8(ascii: "y")])
    }

    @Test("backlight off and on again, and a module started dark")
    func backlight() throws {
        let (lcd, bus) = try recordedLCD()
        var simulator = HD44780Simulator(replaying: bus.takeEvents())
        #expect(simulator.backlight && lcd.backlight)
        try lcd.setBacklight(false)
        try lcd.show(lines: ["Unknown Person"])
        simulator.replay(bus.takeEvents())
        #expect(!simulator.backlight && !lcd.backlight)
        #expect(simulator.screen(.twentyByFour)[0] == padded(["Unknown Person"], columns: 20)[0])
        try lcd.setBacklight(true)
        simulator.replay(bus.takeEvents())
        #expect(simulator.backlight)
        #expect(simulator.violations == [])

        let (_, darkBus) = try recordedLCD(backlight: false)
        #expect(darkBus.bytes.allSatisfy { $0 & 0x08 == 0 })
    }

    @Test("a 16x2 module: rows at 0x00 and 0x40, lines cut at 16")
    func sixteenByTwo() throws {
        let (lcd, bus) = try recordedLCD(.sixteenByTwo)
        try lcd.show(lines: ["StreakTrack is On", "Connected", "ignored third row"])
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.screen(rows: 2, columns: 16) == ["StreakTrack is .", "Connected       "])
        #expect(simulator.instructions.suffix(1) == [0x80 | 0x40])
        #expect(simulator.violations == [])
    }

    @Test("clear, home, cursor moves and raw writes")
    func lowLevelOperations() throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: ["Please Wait..."])
        try lcd.clear()
        try lcd.moveCursor(row: 3, column: 15)
        try lcd.write("Bye")
        try lcd.home()
        try lcd.write("Hi")
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.screen(.twentyByFour) == padded(["Hi", "", "", String(repeating: " ", count: 15) + "Bye"], columns: 20))
        // The driver's own picture of the glass is right too: showing it again sends nothing.
        _ = bus.takeEvents()
        try lcd.show(lines: ["Hi", "", "", String(repeating: " ", count: 15) + "Bye"])
        #expect(bus.events.isEmpty)
    }

    @Test("after a failed write the next show rewrites every cell")
    func failureForgetsTheGlass() throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: ["Ada Lovelace", "Attendance marked"])
        var decoded = DecodedBus(bus)
        bus.failWrites(with: .nothingAtAddress(path: "/dev/i2c-1", address: 0x27))
        #expect(throws: HardwareError.nothingAtAddress(path: "/dev/i2c-1", address: 0x27)) {
            try lcd.show(lines: ["Unknown Person"])
        }
        bus.failWrites(with: nil)
        try lcd.show(lines: ["Unknown Person"])
        #expect(decoded.catchUp().filter(\.isData).count == 80)
        #expect(decoded.simulator.screen(.twentyByFour) == padded(["Unknown Person", "", "", ""], columns: 20))
    }

    @Test("reset brings a garbled module back")
    func resetRecovers() throws {
        let (lcd, bus) = try recordedLCD()
        try lcd.show(lines: ["Connected"])
        // Half a transfer, as a glitch on the bus would leave the controller.
        try bus.write([0x34, 0x30])
        try lcd.reset()
        try lcd.show(lines: ["Welcome", "   to", "StreakTrack"])
        let simulator = HD44780Simulator(replaying: bus.events)
        #expect(simulator.screen(.twentyByFour) == padded(["Welcome", "   to", "StreakTrack", ""], columns: 20))
    }
}
