import ArgumentParser
import DeviceAgent
import Foundation

/// `streaktrack doctor`: what works on this device and what does not, one line
/// each, with how to fix it. Exits 1 when something is wrong.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the models, the camera, the LCD, the LEDs and the backend, one line each.",
        discussion: "The LCD shows a test screen and the LEDs light one after another while they are checked.")

    @Option(help: "The device's configuration file.") var config = "config.json"
    @Option(name: .customLong("models"), help: "Directory of the dlib model files.") var modelDirectory: String?
    @Flag(help: "Leave out the LCD and LEDs (a machine without them).") var noHardware = false

    func run() async throws {
        var checks = DoctorChecks()
        checks.models(directory: modelDirectory)
        guard let configuration = checks.configuration(path: config) else {
            checks.skip("camera, LCD, LEDs, backend", because: "the configuration could not be read")
            throw ExitCode(checks.failures > 0 ? 1 : 0)
        }
        await checks.camera(configuration.camera)
        if noHardware {
            checks.skip("LCD and LEDs", because: "--no-hardware")
        } else {
            checks.lcd(configuration.lcd)
            await checks.leds(configuration.leds)
        }
        await checks.backend(configuration)
        print(checks.failures == 0 ? "\nAll checks passed." : "\n\(checks.failures) check(s) failed.")
        if checks.failures > 0 { throw ExitCode(1) }
    }
}
