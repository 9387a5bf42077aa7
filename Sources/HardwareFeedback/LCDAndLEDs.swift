import DeviceAgent
import DeviceHardware
import Dispatch
import Logging

/// The agent's feedback on the device's own LCD and LEDs. The drivers block
/// (the LCD has no busy flag behind its backpack, so every transfer waits its
/// datasheet time: ~40 ms for a whole screen), so they run on a serial queue of
/// their own and never on the agent's tasks. A failed write is logged once and
/// the LCD is initialised again before the next screen (a loose cable, a
/// module that browned out).
public final class LCDAndLEDs: FeedbackOutput, @unchecked Sendable {
    // @unchecked: `lcd` and `needsReset` are touched only on `queue`.
    private let lcd: CharacterLCD
    private let leds: LEDBank
    private let queue = DispatchQueue(label: "streaktrack.hardware-feedback")
    private let logger: Logger
    private var needsReset = false
    public let columns: Int
    public let rows: Int

    public init(lcd: CharacterLCD, leds: LEDBank, logger: Logger = Logger(label: "streaktrack.hardware")) {
        self.lcd = lcd
        self.leds = leds
        self.logger = logger
        columns = lcd.geometry.columns
        rows = lcd.geometry.rows
    }

    public func show(_ lines: [String]) async {
        await onQueue { [self] in
            do {
                if needsReset {
                    try lcd.reset()
                    needsReset = false
                    logger.notice("the LCD answers again")
                }
                try lcd.show(lines: lines)
            } catch {
                if !needsReset { logger.error("LCD: \(error)") }
                needsReset = true
            }
        }
    }

    public func setLights(_ lights: Lights) async {
        await onQueue { [self] in
            do { try leds.set(LEDLevels(lights)) } catch { logger.error("LEDs: \(error)") }
        }
    }

    /// Screen cleared, backlight off, LEDs off and their lines given back to the kernel.
    public func shutdown() async {
        await onQueue { [self] in
            try? lcd.clear()
            try? lcd.setBacklight(false)
            try? leds.set(.allOff)
            leds.release()
        }
    }

    private func onQueue(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                work()
                done.resume()
            }
        }
    }
}

extension LEDLevels {
    init(_ lights: Lights) {
        self.init(green: lights.green, yellow: lights.yellow, blue: lights.blue, red: lights.red)
    }
}
