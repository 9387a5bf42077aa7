import DeviceAgent
import DeviceHardware
import Foundation
import Logging

/// Where the agent's feedback goes, from `config.json`'s `display`:
/// `hardware` (the LCD and LEDs, or a clear error), `terminal`, `none`, or
/// `auto`: the hardware when its bus and GPIO chip exist, the terminal otherwise.
public enum FeedbackChoice {
    public static func output(for configuration: AgentConfiguration, logger: Logger) throws -> any FeedbackOutput {
        switch configuration.display {
        case .none: return SilentFeedback()
        case .terminal: return TerminalFeedback()
        case .hardware: return try hardware(configuration, logger: logger)
        case .auto:
            let missing = [configuration.lcd.bus, configuration.leds.chip].filter { !FileManager.default.fileExists(atPath: $0) }
            guard missing.isEmpty else {
                logger.info("no \(missing.joined(separator: " or ")): showing the screen and LEDs in the terminal")
                return TerminalFeedback()
            }
            do {
                return try hardware(configuration, logger: logger)
            } catch {
                logger.warning("the LCD and LEDs cannot be used (\(error)); showing them in the terminal")
                return TerminalFeedback()
            }
        }
    }

    /// Opens the LCD and the LEDs as configured.
    public static func hardware(_ configuration: AgentConfiguration, logger: Logger) throws -> LCDAndLEDs {
        let lcd = try openLCD(configuration.lcd)
        let leds = try LEDBank.open(chip: configuration.leds.chip, pins: try pins(configuration.leds))
        return LCDAndLEDs(lcd: lcd, leds: leds, logger: logger)
    }

    public static func openLCD(_ settings: AgentConfiguration.LCDSettings) throws -> CharacterLCD {
        let device = try LinuxI2CDevice(path: settings.bus, address: settings.address)
        return try CharacterLCD(device: device, geometry: LCDGeometry(rows: settings.rows, columns: settings.columns))
    }

    public static func pins(_ settings: AgentConfiguration.LEDSettings) throws -> LEDPins {
        switch settings.numbering {
        case .board: try LEDPins(boardGreen: settings.green, yellow: settings.yellow, blue: settings.blue, red: settings.red)
        case .bcm: try LEDPins(bcmGreen: settings.green, yellow: settings.yellow, blue: settings.blue, red: settings.red)
        }
    }
}
