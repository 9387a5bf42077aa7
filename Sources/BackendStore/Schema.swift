import SQLStorage

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
        ]
    }

    static func migrate(_ database: any SQLDatabase) async throws {
        try await database.query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for (version, statements) in migrations(database.dialect) {
            try await database.transaction { sql in
                let done = try await sql.query("SELECT version FROM schema_migrations WHERE version = ?", .integer(Int64(version)))
                guard done.isEmpty else { return }
                for statement in statements { try await sql.query(statement) }
                try await sql.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                                    .integer(Int64(version)), .text(Clock.now()))
            }
        }
    }
}

/// Times as the store keeps them: ISO 8601 in UTC, which sorts as text.
enum Clock {
    static func now() -> String {
        Date().formatted(.iso8601)
    }
}

import Foundation
