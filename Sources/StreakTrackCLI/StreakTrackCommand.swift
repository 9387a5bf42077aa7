import ArgumentParser
import Foundation
import StreakTrackLogging
import StreakTrackProtocol

/// `streaktrack`: the StreakTrack device's command line.
public struct StreakTrackCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "streaktrack",
        abstract: "StreakTrack: face-recognition attendance at the classroom door.",
        version: StreakTrackVersion.number,
        subcommands: [RunCommand.self, DoctorCommand.self, FacesCommand.self, RecognitionBenchCommand.self]
    )

    public init() {}

    public static func main() async {
        // Faces, marks and the device's secret: nothing the device writes is for other users.
        umask(0o077)
        LogFormat.text.bootstrap(level: .info)
        await main(nil)
    }
}

/// Exit code when some inputs failed but the others were processed.
let partialFailure = ExitCode(1)
