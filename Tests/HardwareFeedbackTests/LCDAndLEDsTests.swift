import DeviceAgent
import DeviceHardware
import Foundation
import HardwareFeedback
import Logging
import Testing

/// The agent's screens and light patterns, through the real drivers onto a
/// simulated bus and GPIO chip, decoded back as the LCD controller and the LEDs would show them.
@Suite("Agent feedback on the LCD and LEDs")
struct LCDAndLEDsTests {
    struct Rig {
        let bus = RecordingI2CDevice()
        let lines = RecordingGPIOLines(count: 4, clock: ContinuousClock())
        let output: LCDAndLEDs

        init(geometry: LCDGeometry = .twentyByFour) throws {
            let lcd = try CharacterLCD(device: bus, geometry: geometry, sleep: { _ in })
            output = LCDAndLEDs(lcd: lcd, leds: LEDBank(lines: lines))
        }

        /// What the glass shows now, decoded from every byte sent so far.
        func glass(_ geometry: LCDGeometry = .twentyByFour) -> [String] {
            HD44780Simulator(replaying: bus.events).screen(geometry).map { String($0.reversed().drop { $0 == " " }.reversed()) }
        }
    }

    static let screens: [(Screen, [String])] = [
        (.starting, ["StreakTrack is On", "", "", ""]),
        (.connected, ["Connected", "", "", ""]),
        (.welcome(offline: false), ["Welcome", "   to", "StreakTrack", ""]),
        (.welcome(offline: true), ["Welcome", "   to", "StreakTrack", "(offline)"]),
        (.studentsReceived(count: 4, unusable: 1), ["Students received", "4 students", "1 photo(s) unusable", ""]),
        (.syncing(done: 2, total: 4), ["Updating faces", "2 of 4", "##########----------", ""]),
        (.pleaseWait, ["Please Wait...", "", "", ""]),
        (.marked(names: ["Asha Verma"]), ["Asha Verma", "Attendance marked", "", ""]),
        (.alreadyMarked(names: ["Asha Verma"]), ["Asha Verma", "Already marked", "", ""]),
        (.unknownPerson, ["Unknown Person", "", "", ""]),
        (.error("server unreachable"), ["Error", "server unreachable", "", ""]),
        (.marked(names: ["Maximilian Alexander von Humboldt"]), ["Maximilian Alexande.", "Attendance marked", "", ""]),
        (.marked(names: ["José Ñúñez", "Zoë Øster", "Łukasz Żółć", "Dmitri Шостакович"]),
         ["Jose Nunez", "Zoe Oster", "+2 more", "Attendance marked"]),
        (.alreadyMarked(names: ["Dmitri Шостакович"]), ["Dmitri Shostakovich", "Already marked", "", ""]),
    ]

    @Test("every screen of the device decodes back from the bus as the agent meant it")
    func screensReachTheGlass() async throws {
        let rig = try Rig()
        for (screen, expected) in Self.screens {
            await rig.output.show(screen.lines(columns: rig.output.columns, rows: rig.output.rows))
            #expect(rig.glass() == expected, "\(screen)")
        }
        // Nothing but printable ASCII reached the controller's memory: no garbage from non-ASCII names.
        let simulator = HD44780Simulator(replaying: rig.bus.events)
        #expect(simulator.codes(.twentyByFour).joined().allSatisfy { (0x20...0x7D).contains($0) && $0 != 0x5C })
    }

    @Test("a 16x2 LCD gets the same screens, cut to its size")
    func sixteenByTwo() async throws {
        let rig = try Rig(geometry: .sixteenByTwo)
        #expect(rig.output.columns == 16 && rig.output.rows == 2)
        await rig.output.show(Screen.marked(names: ["Asha Verma"]).lines(columns: 16, rows: 2))
        #expect(rig.glass(.sixteenByTwo) == ["Asha Verma", "Attendance mark."])
    }

    @Test("light patterns play on the LED lines in order and for their time; blue stays on while connected")
    func lightPatterns() async throws {
        let rig = try Rig()
        let presenter = FeedbackPresenter(output: rig.output, eventScreenTime: .milliseconds(10))
        await presenter.connection(true)
        await presenter.settle()
        await presenter.present(.alreadyMarked(names: ["Asha"]), pattern: .alreadyMarked)
        await presenter.settle()
        await presenter.present(.marked(names: ["Ravi"]), pattern: LightPattern.hold(Lights(green: true), for: .milliseconds(300)))
        await presenter.settle()
        let states = rig.lines.transitions.map { LEDLevels($0.levels) }
        let blue = LEDLevels(blue: true), yellowBlue = LEDLevels(yellow: true, blue: true), greenBlue = LEDLevels(green: true, blue: true)
        // The lines record changes only: the last "off" of the blink and the resting blue are one state.
        #expect(states == [blue, yellowBlue, blue, yellowBlue, blue, yellowBlue, blue, greenBlue, blue])
        try #require(states.count == 9)
        // Each step lasted at least as long as the pattern asks (sleeps are never shorter).
        let times = rig.lines.transitions.map(\.time)
        for step in 1...5 { #expect(times[step + 1] - times[step] >= .milliseconds(195)) }
        #expect(times[8] - times[7] >= .milliseconds(295))
    }

    @Test("stopping clears the screen, turns the backlight and every LED off, and gives the lines back")
    func shutdownLeavesTheHardwareDark() async throws {
        let rig = try Rig()
        await rig.output.show(Screen.marked(names: ["Asha Verma"]).lines(columns: 20, rows: 4))
        await rig.output.setLights(Lights(green: true, blue: true))
        await rig.output.shutdown()
        let simulator = HD44780Simulator(replaying: rig.bus.events)
        #expect(simulator.screen(.twentyByFour).allSatisfy { $0.allSatisfy { $0 == " " } })
        #expect(!simulator.backlight)
        #expect(rig.lines.levels == [false, false, false, false])
        #expect(rig.lines.isReleased)
    }

    @Test("an LCD that stops answering is initialised again once it answers")
    func lcdRecoversAfterAFailedWrite() async throws {
        let rig = try Rig()
        rig.bus.failWrites(with: .nothingAtAddress(path: "/dev/i2c-1", address: 0x27))
        await rig.output.show(Screen.unknownPerson.lines(columns: 20, rows: 4))
        rig.bus.failWrites(with: nil)
        await rig.output.show(Screen.marked(names: ["Asha Verma"]).lines(columns: 20, rows: 4))
        #expect(rig.glass() == ["Asha Verma", "Attendance marked", "", ""])
    }
}

@Suite("Choosing the feedback output")
struct FeedbackChoiceTests {
    func configuration(display: String, bus: String) throws -> AgentConfiguration {
        let directory = FileManager.default.temporaryDirectory.path + "/streaktrack-choice-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = """
        {"website_url":"ws://127.0.0.1:9","deviceId":"d","organizationId":"o","display":"\(display)",
         "lcd":{"bus":"\(bus)","address":"0x3f"},"leds":{"chip":"/dev/gpiochip97"}}
        """
        try text.write(toFile: directory + "/config.json", atomically: false, encoding: .utf8)
        return try AgentConfiguration.load(path: directory + "/config.json")
    }

    @Test("auto falls back to the terminal on a machine without the bus; hardware says what is missing")
    func autoAndHardware() throws {
        let auto = try configuration(display: "auto", bus: "/dev/i2c-97")
        #expect(auto.lcd.address == 0x3F)
        #expect(try FeedbackChoice.output(for: auto, logger: Logger(label: "test")) is TerminalFeedback)
        let hardware = try configuration(display: "hardware", bus: "/dev/i2c-97")
        #expect(throws: HardwareError.i2cBusMissing(path: "/dev/i2c-97")) {
            try FeedbackChoice.output(for: hardware, logger: Logger(label: "test"))
        }
    }
}
