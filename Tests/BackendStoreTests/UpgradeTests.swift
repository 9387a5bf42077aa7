@testable import BackendStore
import Foundation
import SQLStorage
import StreakTrackProtocol
import TestSupport
import Testing

/// A database written before a migration keeps every record through it. Device ids
/// became unique per organization (migration 6 makes the device tables anew): the
/// doors, their secrets and the classes they serve come through.
@Suite("Upgrades")
struct UpgradeTests {
    @Test(arguments: StoreKind.allCases)
    func doorsAndTheirClassesSurviveIdsBecomingPerOrganization(kind: StoreKind) async throws {
        let location = try kind.freshLocation()
        let database: any SQLDatabase = switch location {
        case .sqlite(let directory):
            try { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true); return try SQLiteDatabase(path: directory + "/streaktrack.db") }()
        case .postgres(let url, let schema):
            try await PostgresDatabase.connect(url: url, schema: schema, logger: .init(label: "test.upgrade"))
        }
        // The schema as it was before migration 6, with a door serving a class, written as that version did.
        try await database.query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
        for (version, statements) in Schema.migrations(database.dialect) where version < 6 {
            try await database.transaction { sql in
                for statement in statements { try await sql.query(statement) }
                try await sql.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", .integer(Int64(version)), .text(Clock.now()))
            }
        }
        let organization = ObjectID.make(), classId = ObjectID.make(), secret = Secrets.make()
        try await database.query("INSERT INTO organizations (id, name, created_at) VALUES (?, 'Springfield High', ?)", .text(organization), .text(Clock.now()))
        try await database.query("INSERT INTO classes (id, organization_id, name, created_at) VALUES (?, ?, '10A', ?)",
                                 .text(classId), .text(organization), .text(Clock.now()))
        try await database.query("""
            INSERT INTO devices (id, organization_id, name, secret_hash, admit_without_secret, online, last_seen, created_at, room)
            VALUES ('door-1', ?, 'Main door', ?, 0, 1, '2026-11-24T08:00:00Z', ?, 'Room 7')
            """, .text(organization), .text(Secrets.hash(secret)), .text(Clock.now()))
        try await database.query("INSERT INTO device_classes (device_id, class_id) VALUES ('door-1', ?)", .text(classId))
        let studentId = ObjectID.make()
        try await database.query("""
            INSERT INTO students (id, organization_id, name, enrollment_no, created_at) VALUES (?, ?, 'Asha Verma', 'A1', ?)
            """, .text(studentId), .text(organization), .text(Clock.now()))
        try await database.query("""
            INSERT INTO attendance_events (device_id, event_id, student_id, day, outcome, received_at)
            VALUES ('door-1', 'evt-1', ?, '2026-11-24', 'stored', ?)
            """, .text(studentId), .text(Clock.now()))
        await database.close()

        // Opened by this build: migrated, nothing lost.
        let stores = try await BackendStores.open(location)
        defer { Task { await stores.database.close() } }
        let door = DeviceKey("door-1", of: organization)
        let device = try #require(try await stores.devices.device(door))
        #expect(device.name == "Main door" && device.room == "Room 7" && device.lastSeen == "2026-11-24T08:00:00Z" && device.classIds == [classId])
        #expect(try await stores.devices.admission(door, secret: secret, openDevices: false) == .registered, "its secret still admits it")
        #expect(try await stores.classes.schoolClass(classId)?.deviceIds == ["door-1"])
        // A mark acknowledged before the upgrade, sent again after it: recognised, stored once.
        let resent = try await stores.attendance.record(Sighting(name: "Asha Verma", enrollmentNo: "A1", deviceId: "door-1", studentId: studentId,
                                                                 timestamp: "2026-11-24 08:00:00"),
                                                        organizationId: organization, deviceId: "door-1", eventId: "evt-1")
        #expect(resent.repeatedEvent && resent.outcome == .stored)
        // Removing the class or the door still cleans up what served it.
        try await stores.devices.remove(door)
        #expect(try await stores.database.query("SELECT COUNT(*) AS n FROM device_classes").first?.integer("n") == 0)
    }

    /// A database a newer build has written is refused with a clear reason, and left as it was.
    @Test(arguments: StoreKind.allCases)
    func aDatabaseFromANewerBuildIsRefusedAndLeftAlone(kind: StoreKind) async throws {
        let location = try kind.freshLocation()
        let stores = try await BackendStores.open(location)
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        let newer = Int64(BackendStores.schemaVersion + 1)
        try await stores.database.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", .integer(newer), .text(Clock.now()))
        await stores.database.close()

        await #expect(throws: NewerSchema.self) { _ = try await BackendStores.open(location) }
        do {
            _ = try await BackendStores.open(location)
        } catch let refused as NewerSchema {
            #expect(refused.description.contains("written by a newer StreakTrack (schema \(newer)") && refused.description.contains("nothing was changed"))
        }
        // Untouched: its rows, and its record of migrations.
        let database: any SQLDatabase = switch location {
        case .sqlite(let directory): try SQLiteDatabase(path: directory + "/streaktrack.db")
        case .postgres(let url, let schema): try await PostgresDatabase.connect(url: url, schema: schema, logger: .init(label: "test.upgrade"))
        }
        #expect(try await database.query("SELECT name FROM organizations WHERE id = ?", .text(school.id)).first?.text("name") == "Springfield High")
        #expect(try await database.query("SELECT MAX(version) AS v FROM schema_migrations").first?.integer("v") == newer)
        await database.close()
    }
}
