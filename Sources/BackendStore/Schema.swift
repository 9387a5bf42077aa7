import SQLStorage
import StreakTrackProtocol

/// The backend's tables, created and upgraded in numbered steps. Each step runs
/// once, in a transaction, and is recorded in `schema_migrations`.
enum Schema {
    static func migrations(_ dialect: SQLDialect) -> [(version: Int, statements: [String])] {
        [
            (1, [
                """
                CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)
                """,
                // roster_version goes up with every change a device must hear of.
                """
                CREATE TABLE organizations (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, roster_version BIGINT NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE students (
                    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    name TEXT NOT NULL, enrollment_no TEXT NOT NULL, created_at TEXT NOT NULL,
                    UNIQUE (organization_id, enrollment_no))
                """,
                """
                CREATE TABLE photos (
                    id TEXT PRIMARY KEY, student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
                    position BIGINT NOT NULL, content_type TEXT NOT NULL, sha256 TEXT NOT NULL, width BIGINT NOT NULL, height BIGINT NOT NULL,
                    data \(dialect.blobType) NOT NULL, created_at TEXT NOT NULL)
                """,
                "CREATE INDEX photos_by_student ON photos (student_id)",
                """
                CREATE TABLE devices (
                    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, name TEXT NOT NULL, secret_hash TEXT,
                    admit_without_secret BIGINT NOT NULL DEFAULT 0, online BIGINT NOT NULL DEFAULT 0,
                    last_seen TEXT, created_at TEXT NOT NULL)
                """,
                // One record per student per calendar day: the key makes a second impossible.
                """
                CREATE TABLE attendance (
                    student_id TEXT NOT NULL, day TEXT NOT NULL, organization_id TEXT NOT NULL, device_id TEXT NOT NULL,
                    timestamp TEXT NOT NULL, status TEXT NOT NULL, method TEXT NOT NULL, received_at TEXT NOT NULL,
                    PRIMARY KEY (student_id, day))
                """,
                "CREATE INDEX attendance_by_day ON attendance (organization_id, day)",
                // Every acknowledged event id, so a resend is recognised and stored once.
                """
                CREATE TABLE attendance_events (
                    device_id TEXT NOT NULL, event_id TEXT NOT NULL, student_id TEXT NOT NULL, day TEXT NOT NULL,
                    outcome TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (device_id, event_id))
                """,
            ]),
            // The school's side: people with roles, classes, the school's calendar,
            // corrections and who made each change, and what enrolment learnt of each photo.
            (2, [
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    login TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT,
                    created_at TEXT NOT NULL)
                """,
                // One-time links (set-up, invitation, password reset): only a hash of the code is kept.
                """
                CREATE TABLE user_links (
                    code_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    purpose TEXT NOT NULL, expires_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    csrf TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL)
                """,
                "CREATE TABLE login_failures (login TEXT NOT NULL, address TEXT NOT NULL, at TEXT NOT NULL)",
                "CREATE INDEX login_failures_by_time ON login_failures (at)",
                """
                CREATE TABLE audit_log (
                    id \(dialect.autoIncrementKey), organization_id TEXT, at TEXT NOT NULL, actor TEXT NOT NULL,
                    action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL)
                """,
                "CREATE INDEX audit_log_by_organization ON audit_log (organization_id, id)",
                """
                CREATE TABLE classes (
                    id TEXT PRIMARY KEY, organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
                    name TEXT NOT NULL, starts_at TEXT, created_at TEXT NOT NULL, UNIQUE (organization_id, name))
                """,
                """
                CREATE TABLE class_students (
                    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
                    student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE, PRIMARY KEY (class_id, student_id))
                """,
                "CREATE INDEX class_students_by_student ON class_students (student_id)",
                """
                CREATE TABLE class_teachers (
                    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, PRIMARY KEY (class_id, user_id))
                """,
                """
                CREATE TABLE device_classes (
                    device_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
                    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE, PRIMARY KEY (device_id, class_id))
                """,
                "ALTER TABLE devices ADD COLUMN room TEXT",
                """
                CREATE TABLE holidays (
                    organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE, day TEXT NOT NULL,
                    name TEXT NOT NULL, PRIMARY KEY (organization_id, day))
                """,
                // ISO weekdays the school is open, Monday 1 to Sunday 7.
                "ALTER TABLE organizations ADD COLUMN school_days TEXT NOT NULL DEFAULT '12345'",
                "ALTER TABLE students ADD COLUMN enrolled_on TEXT",
                "UPDATE students SET enrolled_on = SUBSTR(created_at, 1, 10)",
                "ALTER TABLE attendance ADD COLUMN marked_by TEXT",
                "ALTER TABLE attendance ADD COLUMN reason TEXT",
                """
                CREATE TABLE attendance_history (
                    id \(dialect.autoIncrementKey), organization_id TEXT NOT NULL, student_id TEXT NOT NULL, day TEXT NOT NULL,
                    at TEXT NOT NULL, actor TEXT NOT NULL, change TEXT NOT NULL, status TEXT, method TEXT, device_id TEXT,
                    reason TEXT)
                """,
                "CREATE INDEX attendance_history_by_student ON attendance_history (student_id, day)",
                "CREATE INDEX attendance_by_student ON attendance (student_id, day)",
                // The face found at enrolment: its box, its descriptor, and the models that made it.
                "ALTER TABLE photos ADD COLUMN face TEXT",
                "ALTER TABLE photos ADD COLUMN descriptor \(dialect.blobType)",
                "ALTER TABLE photos ADD COLUMN model TEXT",
                // The face alone, small, for lists of a thousand students.
                "ALTER TABLE photos ADD COLUMN face_jpeg \(dialect.blobType)",
            ]),
            // With PostgreSQL every roster change is announced (NOTIFY streaktrack_roster, the
            // organization's id), whoever made it: each server pushes it to its devices at once.
            (3, dialect == .postgres ? [
                """
                CREATE OR REPLACE FUNCTION streaktrack_roster_changed() RETURNS trigger AS $$
                BEGIN PERFORM pg_notify('\(rosterChannel)', NEW.id); RETURN NEW; END $$ LANGUAGE plpgsql
                """,
                """
                CREATE TRIGGER roster_changed AFTER UPDATE OF roster_version ON organizations
                FOR EACH ROW EXECUTE FUNCTION streaktrack_roster_changed()
                """,
            ] : []),
            // With PostgreSQL several instances may serve one database: which one holds each
            // connected device, renewed while it lives (`DeviceLeases`).
            (4, dialect == .postgres ? [
                """
                CREATE TABLE device_leases (
                    device_id TEXT PRIMARY KEY, instance TEXT NOT NULL, instance_name TEXT NOT NULL,
                    renewed_at TIMESTAMPTZ NOT NULL)
                """,
                "CREATE INDEX device_leases_by_instance ON device_leases (instance)",
            ] : []),
            (5, [
                // The client a change came from (behind a trusted balancer, its client): nil from the command line.
                "ALTER TABLE audit_log ADD COLUMN address TEXT",
                // Every sign-in counts attempts by login and by address; a right one takes back its own row.
                "ALTER TABLE login_failures ADD COLUMN attempt TEXT",
                "CREATE INDEX login_failures_by_login ON login_failures (login, at)",
                "CREATE INDEX login_failures_by_address ON login_failures (address, at)",
            ]),
            // Device ids are unique per organization, not across the server (`DeviceKey`). The
            // tables are made anew (SQLite cannot change a primary key); the classes a device
            // serves are kept aside while its table is replaced.
            (6, [
                """
                CREATE TABLE devices_new (
                    organization_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, secret_hash TEXT,
                    admit_without_secret BIGINT NOT NULL DEFAULT 0, online BIGINT NOT NULL DEFAULT 0,
                    last_seen TEXT, created_at TEXT NOT NULL, room TEXT, PRIMARY KEY (organization_id, id))
                """,
                """
                INSERT INTO devices_new (organization_id, id, name, secret_hash, admit_without_secret, online, last_seen, created_at, room)
                SELECT organization_id, id, name, secret_hash, admit_without_secret, online, last_seen, created_at, room FROM devices
                """,
                """
                CREATE TABLE device_classes_kept AS
                SELECT d.organization_id, dc.device_id, dc.class_id FROM device_classes dc JOIN devices d ON d.id = dc.device_id
                """,
                "DROP TABLE device_classes",
                "DROP TABLE devices",
                "ALTER TABLE devices_new RENAME TO devices",
                """
                CREATE TABLE device_classes (
                    organization_id TEXT NOT NULL, device_id TEXT NOT NULL,
                    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
                    PRIMARY KEY (organization_id, device_id, class_id),
                    FOREIGN KEY (organization_id, device_id) REFERENCES devices(organization_id, id) ON DELETE CASCADE)
                """,
                "INSERT INTO device_classes (organization_id, device_id, class_id) SELECT organization_id, device_id, class_id FROM device_classes_kept",
                "DROP TABLE device_classes_kept",
            ] + (dialect == .postgres ? [
                // Leases are a running cluster's: none need keeping across the upgrade.
                "DROP TABLE device_leases",
                """
                CREATE TABLE device_leases (
                    organization_id TEXT NOT NULL, device_id TEXT NOT NULL, instance TEXT NOT NULL, instance_name TEXT NOT NULL,
                    renewed_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (organization_id, device_id))
                """,
                "CREATE INDEX device_leases_by_instance ON device_leases (instance)",
            ] : [])),
            // Acknowledged event ids are a door's, and a door is its id within its organization:
            // two schools' door-1 may send the same event id. (Rows exist only for stored marks,
            // so each row's student says its organization.)
            (7, [
                """
                CREATE TABLE attendance_events_new (
                    organization_id TEXT NOT NULL, device_id TEXT NOT NULL, event_id TEXT NOT NULL, student_id TEXT NOT NULL,
                    day TEXT NOT NULL, outcome TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (organization_id, device_id, event_id))
                """,
                """
                INSERT INTO attendance_events_new (organization_id, device_id, event_id, student_id, day, outcome, received_at)
                SELECT COALESCE(s.organization_id, ''), e.device_id, e.event_id, e.student_id, e.day, e.outcome, e.received_at
                FROM attendance_events e LEFT JOIN students s ON s.id = e.student_id
                """,
                "DROP TABLE attendance_events",
                "ALTER TABLE attendance_events_new RENAME TO attendance_events",
            ]),
        ]
    }

    static var rosterChannel: String { BackendStores.rosterChannel }

    /// The newest schema this build knows (and writes).
    static var latestVersion: Int { migrations(.sqlite).map(\.version).max() ?? 0 }

    /// Refuses a database a newer build has written: this one would not know its tables,
    /// and writing to them could damage what the newer build keeps there.
    private static func refuseNewer(_ sql: any SQLExecutor) async throws {
        let newest = try await sql.query("SELECT MAX(version) AS newest FROM schema_migrations").first?.integer("newest") ?? 0
        guard newest <= Int64(latestVersion) else { throw NewerSchema(found: Int(newest), known: latestVersion) }
    }

    /// Brings the schema up to date. On PostgreSQL several servers may start at once on one
    /// database: the whole migration is one transaction holding an advisory lock for the schema,
    /// so one instance migrates and the others wait for it, then find nothing left to do.
    static func migrate(_ database: any SQLDatabase) async throws {
        guard database.dialect == .postgres else {
            try await database.query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
            try await refuseNewer(database)
            for (version, statements) in migrations(database.dialect) {
                try await database.transaction { sql in try await apply(version, statements, sql) }
            }
            return
        }
        let migrations = migrations(database.dialect)
        try await database.transaction { sql in
            try await PostgresDatabase.lockSchema(sql)
            try await sql.query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
            try await refuseNewer(sql)
            for (version, statements) in migrations { try await apply(version, statements, sql) }
        }
    }

    private static func apply(_ version: Int, _ statements: [String], _ sql: any SQLExecutor) async throws {
        let done = try await sql.query("SELECT version FROM schema_migrations WHERE version = ?", .integer(Int64(version)))
        guard done.isEmpty else { return }
        for statement in statements { try await sql.query(statement) }
        try await sql.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", .integer(Int64(version)), .text(Clock.now()))
    }
}

/// Times as the store keeps them: ISO 8601 in UTC, which sorts as text.
enum Clock {
    static func now() -> String {
        Date().formatted(.iso8601)
    }
}

import Foundation

/// A database whose schema is newer than this build's: started anyway, this build
/// could damage it. Nothing was changed.
public struct NewerSchema: Error, CustomStringConvertible {
    public let found: Int
    public let known: Int

    public var description: String {
        "the database was written by a newer StreakTrack (schema \(found); this build, \(StreakTrackVersion.number), knows up to \(known)): "
            + "nothing was changed; run the newer build, or restore a backup made by this version"
    }
}
