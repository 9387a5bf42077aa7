import ArgumentParser

/// `streaktrack`: the StreakTrack device's command line.
public struct StreakTrackCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "streaktrack",
        abstract: "StreakTrack: face-recognition attendance at the classroom door.",
        subcommands: [RunCommand.self, DoctorCommand.self, FacesCommand.self, RecognitionBenchCommand.self]
    )

    public init() {}
}

/// Exit code when some inputs failed but the others were processed.
let partialFailure = ExitCode(1)
