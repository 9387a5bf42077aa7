import ArgumentParser
import BackendStore
import StreakTrackServer
import FaceEngine
import Foundation
import Logging

/// Where the data is: shared by `serve` and the administration commands, which
/// work on the same store directly (no server needed).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite database (default: ./streaktrack-data or $STREAKTRACK_DATA_DIR).")
    var dataDirectory: String?

    @Option(name: .customLong("database-url"),
            help: "Use PostgreSQL instead of SQLite: postgres://user:password@host:5432/database, ?schema=NAME to keep the tables in that schema (or $STREAKTRACK_DATABASE_URL).")
    var databaseURL: String?

    var location: BackendStores.Location {
        let environment = ProcessInfo.processInfo.environment
        if let url = databaseURL ?? environment["STREAKTRACK_DATABASE_URL"], !url.isEmpty {
            return .postgres(url: url, schema: URLComponents(string: url)?.queryItems?.first { $0.name == "schema" }?.value)
        }
        return .sqlite(dataDirectory: dataDirectory ?? environment["STREAKTRACK_DATA_DIR"] ?? "streaktrack-data")
    }

    func open() async throws -> BackendStores {
        var logger = Logger(label: "streaktrack.store")
        logger.logLevel = .warning
        do {
            return try await BackendStores.open(location, logger: logger)
        } catch {
            throw StoreUnavailable(location: location, reason: error)
        }
    }
}

/// The store, and the organization a command is about (`--organization`, not
/// needed while there is only one).
struct OrganizationOptions: ParsableArguments {
    @Option(help: "Organization id (not needed when there is only one).") var organization: String?
    @OptionGroup var store: StoreOptions

    /// Runs `body` with the store open and the organization's id.
    func run<Result>(_ body: (BackendStores, String) async throws -> Result) async throws -> Result {
        try await withStore(store) { stores in try await body(stores, try await resolveOrganization(organization, in: stores)) }
    }
}

/// The store could not be opened: a plain message and exit status 1 (a usage
/// text would only hide the reason).
struct StoreUnavailable: Error, CustomStringConvertible {
    let location: BackendStores.Location
    let reason: any Error

    var description: String { "cannot open the store (\(location.description)): \(reason)" }
}

/// Runs `body` with the store open, closing it afterwards and turning store
/// errors into plain messages.
func withStore<Result>(_ options: StoreOptions, _ body: (BackendStores) async throws -> Result) async throws -> Result {
    let stores = try await options.open()
    do {
        let result = try await body(stores)
        await stores.database.close()
        return result
    } catch let error as StoreError {
        await stores.database.close()
        throw ValidationError(error.description)
    } catch {
        await stores.database.close()
        throw error
    }
}

/// The organization a command means: the one named, else the only one there is.
func resolveOrganization(_ id: String?, in stores: BackendStores) async throws -> String {
    if let id { return id }
    let all = try await stores.roster.organizations()
    guard all.count == 1 else {
        throw ValidationError(all.isEmpty ? "there is no organization yet: streaktrack-server organizations add NAME"
                                          : "there are \(all.count) organizations: choose one with --organization")
    }
    return all[0].id
}

/// Where the face models are, for commands that check photos.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("models"), help: "Directory of the dlib model files (default: $STREAKTRACK_MODELS, else ~/.cache/streaktrack/models).")
    var directory: String?

    func engine() throws -> FaceEngine {
        do {
            return try FaceEngine(modelDirectory: directory, workers: min(4, ProcessInfo.processInfo.activeProcessorCount))
        } catch {
            throw ValidationError("\(error.message) (scripts/setup installs the models; --models names their directory)")
        }
    }
}

/// A class of the organization by name; made when `creating` and missing.
func classId(named name: String, in organizationId: String, stores: BackendStores, creating: Bool) async throws -> String {
    if let existing = try await stores.classes.classes(organizationId: organizationId).first(where: { $0.name == name }) { return existing.id }
    guard creating else { throw ValidationError("there is no class \(name)") }
    let created = try await Operations(stores: stores).addClass(named: name, in: organizationId, by: .commandLine)
    return created.id
}
