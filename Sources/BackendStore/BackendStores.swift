import SQLStorage
import Foundation
import Logging

/// The backend's stores over one database, opened and migrated.
public struct BackendStores: Sendable {
    public let database: any SQLDatabase
    /// The PostgreSQL channel on which every roster change is announced (the organization's id as payload).
    public static let rosterChannel = "streaktrack_roster"
    /// The PostgreSQL channel on which instances serving one database tell each other what
    /// their devices do (marks, sightings, status) and ask for a device another one holds.
    public static let liveChannel = "streaktrack_live"
    public let roster: RosterStore
    public let devices: DeviceStore
    public let attendance: AttendanceStore
    public let settings: SettingsStore
    public let users: UserStore
    public let sessions: SessionStore
    public let audit: AuditLog
    public let classes: ClassStore
    public let calendars: CalendarStore
    public let reports: AttendanceReports

    public init(database: any SQLDatabase) {
        self.database = database
        roster = RosterStore(database: database)
        devices = DeviceStore(database: database)
        attendance = AttendanceStore(database: database)
        settings = SettingsStore(database: database)
        users = UserStore(database: database)
        sessions = SessionStore(database: database)
        audit = AuditLog(database: database)
        classes = ClassStore(database: database)
        calendars = CalendarStore(database: database)
        reports = AttendanceReports(database: database)
    }

    /// Where the data lives: a SQLite file in `dataDirectory`, or PostgreSQL at `databaseURL`.
    public enum Location: Sendable, Equatable {
        case sqlite(dataDirectory: String)
        case postgres(url: String, schema: String?)

        public var description: String {
            switch self {
            case .sqlite(let directory): "SQLite \(directory)/streaktrack.db"
            case .postgres(let url, _): "PostgreSQL \(PostgresDatabase.redacted(url))"
            }
        }
    }

    /// The schema this build writes (`/healthz` for the admin, `streaktrack_build_info`).
    public static var schemaVersion: Int { Schema.latestVersion }

    public static func open(_ location: Location, logger: Logger = Logger(label: "streaktrack.store")) async throws -> BackendStores {
        let database: any SQLDatabase
        switch location {
        case .sqlite(let directory):
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw SQLError("cannot create the data directory \(directory): \(error.localizedDescription)")
            }
            database = try SQLiteDatabase(path: directory + "/streaktrack.db")
        case .postgres(let url, let schema):
            database = try await PostgresDatabase.connect(url: url, schema: schema, logger: logger)
        }
        try await Schema.migrate(database)
        return BackendStores(database: database)
    }
}
