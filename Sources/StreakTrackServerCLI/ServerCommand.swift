import ArgumentParser
import Foundation
import StreakTrackProtocol

/// `streaktrack-server`: the StreakTrack backend and its administration.
public struct ServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "streaktrack-server",
        abstract: "The StreakTrack backend: devices, roster, attendance and the live dashboard.",
        discussion: "Without a subcommand it serves (see `serve --help`).",
        version: StreakTrackVersion.number,
        subcommands: [ServeCommand.self, OrganizationsCommand.self, UsersCommand.self, ClassesCommand.self, StudentsCommand.self,
                      DevicesCommand.self, AttendanceCommand.self, AdminCommand.self],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}

    public static func main() async {
        // The store holds children's photos and device secrets: nothing this
        // process creates (database, journal, exports) is for other users.
        umask(0o077)
        await main(nil)
    }
}
