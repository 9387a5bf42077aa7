import SQLStorage
import Crypto
import Foundation
import StreakTrackProtocol

/// Devices: registration, secrets, and whether each is online.
public struct DeviceStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    /// Registers a new device and returns its secret (shown once; only a hash is kept).
    /// An id already registered is refused: registering again would silently
    /// lock out the device holding the old config.json (`renewSecret` does that on purpose).
    public func register(id: String, organizationId: String, name: String, admitWithoutSecret: Bool = false) async throws -> String {
        if let problem = FieldRule.deviceId.problem(id) { throw StoreError(.invalid, problem) }
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "device " + problem) }
        if let existing = try await device(id) {
            throw StoreError(.conflict, existing.organizationId == organizationId.lowercased()
                ? "the device \(id) is already registered (issue it a new secret to replace its config.json)"
                : "the device id \(id) belongs to another organization")
        }
        let secret = Secrets.make()
        let rows = try await database.query(
            """
            INSERT INTO devices (id, organization_id, name, secret_hash, admit_without_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """,
            .text(id), .text(organizationId.lowercased()), .text(name), .text(Secrets.hash(secret)), SQLValue(admitWithoutSecret),
            .text(Clock.now()))
        guard !rows.isEmpty else { throw StoreError(.conflict, "the device \(id) is already registered") }
        return secret
    }

    /// A new secret for a registered device (a lost or leaked config.json); the old one stops working at once.
    public func renewSecret(_ id: String) async throws -> String {
        let secret = Secrets.make()
        let rows = try await database.query("UPDATE devices SET secret_hash = ? WHERE id = ? RETURNING id", .text(Secrets.hash(secret)), .text(id))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no device \(id)") }
        return secret
    }

    public func setAdmitWithoutSecret(_ admit: Bool, deviceId: String) async throws {
        let rows = try await database.query("UPDATE devices SET admit_without_secret = ? WHERE id = ? RETURNING id", SQLValue(admit), .text(deviceId))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no device \(deviceId)") }
    }

    public func rename(_ id: String, to name: String) async throws {
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "device " + problem) }
        try await database.query("UPDATE devices SET name = ? WHERE id = ?", .text(name), .text(id))
    }

    /// The room a device is at (shown beside it; teachers find their doors by it).
    public func setRoom(_ room: String, deviceId: String) async throws {
        let room = room.trimmingCharacters(in: .whitespaces)
        if !room.isEmpty, let problem = FieldRule.name.problem(room) { throw StoreError(.invalid, "room " + problem) }
        try await database.query("UPDATE devices SET room = ? WHERE id = ?", room.isEmpty ? .null : .text(room), .text(deviceId))
    }

    /// Makes the classes a device serves exactly `classIds` (none: it serves the whole organization).
    public func setClasses(_ classIds: [String], deviceId: String) async throws {
        try await database.transaction { sql in
            guard let organizationId = try await sql.query("SELECT organization_id FROM devices WHERE id = ?", .text(deviceId)).first?
                .text("organization_id") else { throw StoreError(.notFound, "no device \(deviceId)") }
            for classId in Set(classIds) {
                guard try await sql.query("SELECT organization_id FROM classes WHERE id = ?", .text(classId)).first?.text("organization_id")
                        == organizationId else { throw StoreError(.invalid, "\(classId) is not one of this organization's classes") }
            }
            try await sql.query("DELETE FROM device_classes WHERE device_id = ?", .text(deviceId))
            for classId in Set(classIds) {
                try await sql.query("INSERT INTO device_classes (device_id, class_id) VALUES (?, ?)", .text(deviceId), .text(classId))
            }
            try await RosterStore.bumpRoster(organizationId, in: sql)
        }
    }

    public func remove(_ id: String) async throws {
        let rows = try await database.query("DELETE FROM devices WHERE id = ? RETURNING id", .text(id))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no device \(id)") }
    }

    public func device(_ id: String) async throws -> Device? {
        guard var device = try await database.query("SELECT * FROM devices WHERE id = ?", .text(id)).first.map(Self.device) else { return nil }
        device.classIds = try await database.query("SELECT class_id FROM device_classes WHERE device_id = ? ORDER BY class_id", .text(id))
            .map { $0.text("class_id")! }
        return device
    }

    public func devices(organizationId: String? = nil) async throws -> [Device] {
        let rows = if let organizationId {
            try await database.query("SELECT * FROM devices WHERE organization_id = ? ORDER BY id", .text(organizationId.lowercased()))
        } else {
            try await database.query("SELECT * FROM devices ORDER BY id")
        }
        var classes: [String: [String]] = [:]
        for row in try await database.query("SELECT device_id, class_id FROM device_classes ORDER BY class_id") {
            classes[row.text("device_id")!, default: []].append(row.text("class_id")!)
        }
        return rows.map { row in
            var device = Self.device(row)
            device.classIds = classes[device.id] ?? []
            return device
        }
    }

    public enum Admission: Equatable, Sendable {
        /// A registered device, by its secret or because it may come without one.
        case registered
        /// An unregistered id, let in because the server runs with open devices
        /// (the original backend's behaviour); it leaves no row behind.
        case unregistered
        case refused(String)
    }

    /// Whether a device may connect. A registered device must present its secret
    /// (or be marked to come without one) whatever the server's mode, so nobody
    /// can take its id; an unregistered id gets in only when `openDevices`.
    public func admission(deviceId: String, organizationId: String, secret: String?, openDevices: Bool) async throws -> Admission {
        guard let row = try await database.query("SELECT * FROM devices WHERE id = ?", .text(deviceId)).first else {
            return openDevices ? .unregistered : .refused("Device \(deviceId) is not registered.")
        }
        guard row.text("organization_id") == organizationId.lowercased() else {
            return .refused("Device \(deviceId) does not belong to organization \(organizationId).")
        }
        if let secret, let expected = row.text("secret_hash"), Secrets.equal(Secrets.hash(secret), expected) {
            return .registered
        }
        if secret == nil && row.bool("admit_without_secret") { return .registered }
        return .refused(secret == nil ? "Device \(deviceId) must present its secret." : "Device \(deviceId) presented a wrong secret.")
    }

    /// Online with last seen now. Only registered devices have a row: an
    /// unauthenticated connection never creates one.
    public func markOnline(_ id: String) async throws {
        try await database.query("UPDATE devices SET online = 1, last_seen = ? WHERE id = ?", .text(Clock.now()), .text(id))
    }

    /// With `unlessLeased`, left online when an instance holds the device (it connected
    /// again through another one before this one's connection was done with).
    public func markOffline(_ id: String, unlessLeased: Bool = false) async throws {
        try await database.query("UPDATE devices SET online = 0, last_seen = ? WHERE id = ?"
                                 + (unlessLeased ? " AND id NOT IN (SELECT device_id FROM device_leases)" : ""),
                                 .text(Clock.now()), .text(id))
    }

    /// After a restart nobody is connected, whatever the table says; with several instances
    /// on one database (`exceptLeased`), nobody but the devices another instance holds.
    public func markAllOffline(exceptLeased: Bool = false) async throws {
        try await database.query(exceptLeased
            ? "UPDATE devices SET online = 0 WHERE online = 1 AND id NOT IN (SELECT device_id FROM device_leases)"
            : "UPDATE devices SET online = 0 WHERE online = 1")
    }

    private static func device(_ row: SQLRow) -> Device {
        Device(id: row.text("id")!, organizationId: row.text("organization_id")!, name: row.text("name")!, online: row.bool("online"),
               lastSeen: row.text("last_seen"), hasSecret: row.text("secret_hash") != nil,
               admitWithoutSecret: row.bool("admit_without_secret"), room: row.text("room"))
    }
}
