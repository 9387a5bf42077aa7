import DeviceHardware
import Synchronization

/// A clock that moves only when a test says so.
final class ManualTime: Sendable {
    private let elapsed = Mutex(Duration.zero)

    var now: Duration { elapsed.withLock { $0 } }

    func advance(by duration: Duration) {
        elapsed.withLock { $0 += duration }
    }
}

/// An LCD on a recording bus, with the sleeps recorded on the same timeline.
func recordedLCD(_ geometry: LCDGeometry = .twentyByFour, timing: LCDTiming = .standard,
                 backlight: Bool = true) throws -> (CharacterLCD, RecordingI2CDevice) {
    let bus = RecordingI2CDevice()
    let lcd = try CharacterLCD(device: bus, geometry: geometry, timing: timing, backlight: backlight, sleep: bus.recordPause)
    return (lcd, bus)
}

/// `lines` as the glass should show them: each padded to the width.
func padded(_ lines: [String], columns: Int) -> [String] {
    lines.map { $0 + String(repeating: " ", count: max(0, columns - $0.count)) }
}

/// A recording bus decoded as it goes, so a test can look at what one step sent.
struct DecodedBus {
    let bus: RecordingI2CDevice
    private(set) var simulator = HD44780Simulator()

    init(_ bus: RecordingI2CDevice) {
        self.bus = bus
        _ = catchUp()
    }

    /// Decodes what was written since the last call; returns those transfers.
    mutating func catchUp() -> [HD44780Simulator.Transfer] {
        let before = simulator.transfers.count
        simulator.replay(bus.takeEvents())
        return Array(simulator.transfers.dropFirst(before))
    }
}
