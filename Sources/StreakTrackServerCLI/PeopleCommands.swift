import ArgumentParser
import BackendStore
import Foundation
import StreakTrackServer

/// `users`: the people with a login, from the command line (scripts, and the
/// admin who lost their password).
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Add, list and remove people; reset a password.",
                                                    subcommands: [Add.self, List.self, Remove.self, ResetPassword.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person and print the one-time link where they choose their password (or set it from standard input).")
        @Argument(help: "Their login: a name or an e-mail address.") var login: String
        @Option var name: String
        @Option(help: "admin, coadmin or teacher.") var role: Role
        @Option(help: "Organization id (not needed when there is only one).") var organization: String?
        @Flag(name: .customLong("password-stdin"), help: "Read the password from standard input instead of making a link.")
        var passwordFromInput = false
        @OptionGroup var link: LinkOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let password = passwordFromInput ? readLine(strippingNewline: true) : nil
            let (user, code) = try await withStore(store) { stores in
                try await Operations(stores: stores).addPerson(login: login, name: name, role: role, password: password,
                                                               in: try await resolveOrganization(organization, in: stores), by: .commandLine)
            }
            print("\(user.id)\t\(user.login)\t\(user.role.rawValue)")
            if let code { print("their one-time link (three days): \(link.url(code))") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the people: id, login, name, role, whether they have a password.")
        @Option var organization: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let users = try await withStore(store) { stores in
                try await stores.users.users(organizationId: try await resolveOrganization(organization, in: stores))
            }
            for u in users { print("\(u.id)\t\(u.login)\t\(u.name)\t\(u.role.rawValue)\t\(u.active ? "active" : "no password yet")") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a person; their sessions end at once.")
        @Argument(help: "Their login.") var login: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withStore(store) { stores in
                try await Operations(stores: stores).removePerson(try await person(login, in: stores).id, by: .commandLine)
            }
            print("removed \(login)")
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-password",
                                                        abstract: "End a person's password and sessions; print a one-time link to choose a new one.")
        @Argument(help: "Their login.") var login: String
        @OptionGroup var link: LinkOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let code = try await withStore(store) { stores in
                try await Operations(stores: stores).resetPassword(of: try await person(login, in: stores).id, by: .commandLine).code
            }
            print("their one-time link (three days): \(link.url(code))")
        }
    }
}

/// The dashboard's address, for one-time links printed by a command.
struct LinkOptions: ParsableArguments {
    @Option(name: .customLong("server-url"), help: "The dashboard's address (default: http://<this machine's address>:3001).")
    var serverURL: String?

    func url(_ code: String) -> String {
        "\(serverURL ?? defaultServerURL)/#link=\(code)"
    }
}

/// The server as another machine on the network reaches it, when a command is not told.
var defaultServerURL: String { "http://\(PublicAddress.firstNetworkAddress() ?? "127.0.0.1"):3001" }

func person(_ login: String, in stores: BackendStores) async throws -> User {
    guard let user = try await stores.users.user(login: login) else { throw ValidationError("no person with the login \(login)") }
    return user
}

extension Role: ExpressibleByArgument {}
