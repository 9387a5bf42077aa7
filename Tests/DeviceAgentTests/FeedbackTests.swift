import DeviceAgent
import Synchronization
import Testing

/// Records what a real screen and LEDs would be told, in order.
final class RecordingFeedback: FeedbackOutput {
    enum Change: Equatable {
        case screen([String])
        case lights(Lights)
        case shutdown
    }

    let columns = 20
    let rows = 4
    let changes = Mutex<[Change]>([])

    func show(_ lines: [String]) async { changes.withLock { $0.append(.screen(lines)) } }
    func setLights(_ lights: Lights) async { changes.withLock { $0.append(.lights(lights)) } }
    func shutdown() async { changes.withLock { $0.append(.shutdown) } }
    var recorded: [Change] { changes.withLock { $0 } }
}

@Suite("Screens and lights")
struct FeedbackTests {
    @Test func theOriginalWordsFitTheScreen() {
        #expect(Screen.starting.lines(columns: 20, rows: 4) == ["StreakTrack is On", "", "", ""])
        #expect(Screen.welcome(offline: false).lines(columns: 20, rows: 4) == ["Welcome", "   to", "StreakTrack", ""])
        #expect(Screen.marked(names: ["Asha Verma"]).lines(columns: 20, rows: 4) == ["Asha Verma", "Attendance marked", "", ""])
        #expect(Screen.alreadyMarked(names: ["Asha Verma"]).lines(columns: 20, rows: 4)[1] == "Already marked")
        #expect(Screen.unknownPerson.lines(columns: 20, rows: 4)[0] == "Unknown Person")
        #expect(Screen.pleaseWait.lines(columns: 20, rows: 4)[0] == "Please Wait...")
    }

    @Test func longNamesAndGroupsAreCutVisibly() {
        let long = Screen.marked(names: ["Venkata Subramanian Raghavendra"]).lines(columns: 20, rows: 4)
        #expect(long[0] == "Venkata Subramanian." && long[0].count == 20)
        let group = Screen.marked(names: ["Asha", "Ravi", "Meera", "John", "Li"]).lines(columns: 20, rows: 4)
        #expect(group == ["Asha", "Ravi", "+3 more", "Attendance marked"])
        let error = Screen.error("Server unreachable, marks are kept offline").lines(columns: 20, rows: 4)
        #expect(error == ["Error", "Server unreachable,", "marks are kept", "offline"])
        #expect(Screen.syncing(done: 5, total: 10).lines(columns: 20, rows: 4)[2] == "##########----------")
    }

    @Test func markedLightsGreenForTwoSecondsThenBlueAndWelcome() async {
        let output = RecordingFeedback()
        let presenter = FeedbackPresenter(output: output, eventScreenTime: .milliseconds(60))
        await presenter.connection(true)
        await presenter.settle()
        await presenter.present(.marked(names: ["Asha"]), pattern: .hold(Lights(green: true), for: .milliseconds(30)))
        await presenter.settle()
        #expect(output.recorded.suffix(4) == [
            .screen(["Asha", "Attendance marked", "", ""]),
            .lights(Lights(green: true, blue: true)),
            .lights(Lights(blue: true)),
            .screen(["Welcome", "   to", "StreakTrack", ""]),
        ])
        #expect(LightPattern.marked == .hold(Lights(green: true), for: .seconds(2)), "green for 2 s, as the original")
        #expect(LightPattern.unknown == .hold(Lights(red: true), for: .seconds(1)), "red for 1 s, as the original")
    }

    @Test func aNewEventCutsTheOldOneShort() async {
        let output = RecordingFeedback()
        let presenter = FeedbackPresenter(output: output, eventScreenTime: .seconds(5))
        await presenter.present(.unknownPerson, pattern: .hold(Lights(red: true), for: .seconds(5)))
        try? await Task.sleep(for: .milliseconds(50))
        await presenter.present(.marked(names: ["Asha"]), pattern: nil, thenWelcome: false)
        await presenter.settle()
        #expect(output.recorded.last == .lights(.off))
        #expect(output.recorded.contains(.screen(["Asha", "Attendance marked", "", ""])))
        await presenter.shutdown()
        #expect(output.recorded.last == .shutdown)
    }

    @Test func terminalRenderingForLogs() async {
        let written = Mutex([String]())
        let terminal = TerminalFeedback(redrawInPlace: false) { text in written.withLock { $0.append(text) } }
        await terminal.show(Screen.welcome(offline: false).lines(columns: 20, rows: 4))
        await terminal.show(Screen.welcome(offline: false).lines(columns: 20, rows: 4))
        await terminal.setLights(Lights(blue: true))
        let lines = written.withLock { $0 }
        #expect(lines.count == 2, "an unchanged screen is not redrawn")
        #expect(lines[1] == "LCD |Welcome             |   to               |StreakTrack         |                    |  LEDs ○ green ○ yellow ● blue ○ red\n")
    }
}
