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
    /// An id the organization already has is refused: registering again would silently
    /// lock out the device holding the old config.json (`renewSecret` does that on purpose).
    /// Another organization's doors are none of this one's business: the same id is free here.
    public func register(id: String, organizationId: String, name: String, admitWithoutSecret: Bool = false) async throws -> String {
        if let problem = FieldRule.deviceId.problem(id) { throw StoreError(.invalid, problem) }
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "device " + problem) }
        let secret = Secrets.make()
        let rows = try await database.query(
            """
            INSERT INTO devices (organization_id, id, name, secret_hash, admit_without_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (organization_id, id) DO NOTHING RETURNING id
            """,
            .text(organizationId.lowercased()), .text(id), .text(name), .text(Secrets.hash(secret)), SQLValue(admitWithoutSecret),
            .text(Clock.now()))
        guard !rows.isEmpty else {
            throw StoreError(.conflict, "the device \(id) is already registered (issue it a new secret to replace its config.json)")
        }
        return secret
    }

    /// A new secret for a registered device (a lost or leaked config.json); the old one stops working at once.
    public func renewSecret(_ key: DeviceKey) async throws -> String {
        let secret = Secrets.make()
        try await update(key, "secret_hash = ?", .text(Secrets.hash(secret)))
        return secret
    }

    public func setAdmitWithoutSecret(_ admit: Bool, device key: DeviceKey) async throws {
        try await update(key, "admit_without_secret = ?", SQLValue(admit))
    }

    public func rename(_ key: DeviceKey, to name: String) async throws {
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "device " + problem) }
        try await update(key, "name = ?", .text(name))
    }

    /// The room a device is at (shown beside it; teachers find their doors by it).
    public func setRoom(_ room: String, device key: DeviceKey) async throws {
        let room = room.trimmingCharacters(in: .whitespaces)
        if !room.isEmpty, let problem = FieldRule.name.problem(room) { throw StoreError(.invalid, "room " + problem) }
        try await update(key, "room = ?", room.isEmpty ? .null : .text(room))
    }

    /// Sets one column of a registered device; 404 for one the organization does not have.
    private func update(_ key: DeviceKey, _ assignment: String, _ value: SQLValue) async throws {
        let rows = try await database.query("UPDATE devices SET \(assignment) WHERE organization_id = ? AND id = ? RETURNING id",
                                            value, .text(key.organizationId), .text(key.id))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no device \(key.id)") }
    }

    /// Makes the classes a device serves exactly `classIds` (none: it serves the whole organization).
    public func setClasses(_ classIds: [String], device key: DeviceKey) async throws {
        try await database.transaction { sql in
            guard try await !sql.query("SELECT id FROM devices WHERE organization_id = ? AND id = ?", .text(key.organizationId),
                                       .text(key.id)).isEmpty else { throw StoreError(.notFound, "no device \(key.id)") }
            for classId in Set(classIds) {
                guard try await sql.query("SELECT organization_id FROM classes WHERE id = ?", .text(classId)).first?.text("organization_id")
                        == key.organizationId else { throw StoreError(.invalid, "\(classId) is not one of this organization's classes") }
            }
            try await sql.query("DELETE FROM device_classes WHERE organization_id = ? AND device_id = ?", .text(key.organizationId), .text(key.id))
            for classId in Set(classIds) {
                try await sql.query("INSERT INTO device_classes (organization_id, device_id, class_id) VALUES (?, ?, ?)",
                                    .text(key.organizationId), .text(key.id), .text(classId))
            }
            try await RosterStore.bumpRoster(key.organizationId, in: sql)
        }
    }

    public func remove(_ key: DeviceKey) async throws {
        let rows = try await database.query("DELETE FROM devices WHERE organization_id = ? AND id = ? RETURNING id",
                                            .text(key.organizationId), .text(key.id))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no device \(key.id)") }
    }

    public func device(_ key: DeviceKey) async throws -> Device? {
        guard var device = try await database.query("SELECT * FROM devices WHERE organization_id = ? AND id = ?",
                                                    .text(key.organizationId), .text(key.id)).first.map(Self.device)
        else { return nil }
        device.classIds = try await database.query(
            "SELECT class_id FROM device_classes WHERE organization_id = ? AND device_id = ? ORDER BY class_id",
            .text(key.organizationId), .text(key.id)).compactMap { $0.text("class_id") }
        return device
    }

    public func devices(organizationId: String? = nil) async throws -> [Device] {
        let rows = if let organizationId {
            try await database.query("SELECT * FROM devices WHERE organization_id = ? ORDER BY id", .text(organizationId.lowercased()))
        } else {
            try await database.query("SELECT * FROM devices ORDER BY organization_id, id")
        }
        var classes: [DeviceKey: [String]] = [:]
        for row in try await database.query("SELECT organization_id, device_id, class_id FROM device_classes ORDER BY class_id") {
            guard let organization = row.text("organization_id"), let id = row.text("device_id"), let classId = row.text("class_id") else { continue }
            classes[DeviceKey(id, of: organization), default: []].append(classId)
        }
        return rows.map { row in
            var device = Self.device(row)
            device.classIds = classes[device.key] ?? []
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
    public func admission(_ key: DeviceKey, secret: String?, openDevices: Bool) async throws -> Admission {
        guard let row = try await database.query("SELECT * FROM devices WHERE organization_id = ? AND id = ?",
                                                 .text(key.organizationId), .text(key.id)).first else {
            return openDevices ? .unregistered : .refused("Device \(key.id) is not registered.")
        }
        if let secret, let expected = row.text("secret_hash"), Secrets.equal(Secrets.hash(secret), expected) {
            return .registered
        }
        if secret == nil && row.bool("admit_without_secret") { return .registered }
        return .refused(secret == nil ? "Device \(key.id) must present its secret." : "Device \(key.id) presented a wrong secret.")
    }

    /// Online with last seen now. Only registered devices have a row: an
    /// unauthenticated connection never creates one.
    public func markOnline(_ key: DeviceKey) async throws {
        try await database.query("UPDATE devices SET online = 1, last_seen = ? WHERE organization_id = ? AND id = ?", .text(Clock.now()),
                                 .text(key.organizationId), .text(key.id))
    }

    /// With `unlessLeased`, left online when an instance holds the device (it connected
    /// again through another one before this one's connection was done with).
    public func markOffline(_ key: DeviceKey, unlessLeased: Bool = false) async throws {
        try await database.query("UPDATE devices SET online = 0, last_seen = ? WHERE organization_id = ? AND id = ?"
                                 + (unlessLeased ? Self.notLeased : ""),
                                 .text(Clock.now()), .text(key.organizationId), .text(key.id))
    }

    /// After a restart nobody is connected, whatever the table says; with several instances
    /// on one database (`exceptLeased`), nobody but the devices another instance holds.
    public func markAllOffline(exceptLeased: Bool = false) async throws {
        try await database.query("UPDATE devices SET online = 0 WHERE online = 1" + (exceptLeased ? Self.notLeased : ""))
    }

    private static let notLeased = """
         AND NOT EXISTS (SELECT 1 FROM device_leases l WHERE l.organization_id = devices.organization_id AND l.device_id = devices.id)
        """

    private static func device(_ row: SQLRow) -> Device {
        Device(id: row.text("id") ?? "", organizationId: row.text("organization_id") ?? "", name: row.text("name") ?? "",
               online: row.bool("online"), lastSeen: row.text("last_seen"), hasSecret: row.text("secret_hash") != nil,
               admitWithoutSecret: row.bool("admit_without_secret"), room: row.text("room"))
    }
}
