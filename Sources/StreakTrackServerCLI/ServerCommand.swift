import ArgumentParser

/// `streaktrack-server`: the StreakTrack backend and its administration.
public struct ServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "streaktrack-server",
        abstract: "The StreakTrack backend: devices, roster, attendance and the live dashboard.",
        discussion: "Without a subcommand it serves (see `serve --help`).",
        subcommands: [ServeCommand.self, OrganizationsCommand.self, StudentsCommand.self, DevicesCommand.self,
                      AttendanceCommand.self, AdminCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}
}
