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

    /// Registers a device and returns its new secret (shown once; only a hash is kept).
    public func register(id: String, organizationId: String, name: String, admitWithoutSecret: Bool = false) async throws -> String {
        guard !id.isEmpty, id.count <= 128 else { throw StoreError(.invalid, "a device id must be 1 to 128 characters") }
        let secret = Self.newSecret()
        let rows = try await database.query(
            """
            INSERT INTO devices (id, organization_id, name, secret_hash, admit_without_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name,
                secret_hash = excluded.secret_hash, admit_without_secret = excluded.admit_without_secret
            RETURNING id
            """,
            .text(id), .text(organizationId.lowercased()), .text(name), .text(Self.hash(secret)), SQLValue(admitWithoutSecret),
            .text(Clock.now()))
        guard !rows.isEmpty else { throw StoreError(.conflict, "cannot register device \(id)") }
        return secret
    }

    public func setAdmitWithoutSecret(_ admit: Bool, deviceId: String) async throws {
        let rows = try await database.query("UPDATE devices SET admit_without_secret = ? WHERE id = ? RETURNING id", SQLValue(admit), .text(deviceId))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no device \(deviceId)") }
    }

    public func remove(_ id: String) async throws {
        let rows = try await database.query("DELETE FROM devices WHERE id = ? RETURNING id", .text(id))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no device \(id)") }
    }

    public func device(_ id: String) async throws -> Device? {
        try await database.query("SELECT * FROM devices WHERE id = ?", .text(id)).first.map(Self.device)
    }

    public func devices(organizationId: String? = nil) async throws -> [Device] {
        let rows = if let organizationId {
            try await database.query("SELECT * FROM devices WHERE organization_id = ? ORDER BY id", .text(organizationId.lowercased()))
        } else {
            try await database.query("SELECT * FROM devices ORDER BY id")
        }
        return rows.map(Self.device)
    }

    public enum Admission: Equatable, Sendable {
        case admitted
        case refused(String)
    }

    /// Whether a device may connect. With authentication off every device is
    /// admitted, as the original backend did; with it on, only registered devices
    /// presenting their secret, or those allowed in without one.
    public func admission(deviceId: String, organizationId: String, secret: String?, authenticationRequired: Bool) async throws -> Admission {
        guard authenticationRequired else { return .admitted }
        guard let row = try await database.query("SELECT * FROM devices WHERE id = ?", .text(deviceId)).first else {
            return .refused("Device \(deviceId) is not registered.")
        }
        guard row.text("organization_id") == organizationId.lowercased() else {
            return .refused("Device \(deviceId) does not belong to organization \(organizationId).")
        }
        if let secret, let expected = row.text("secret_hash"), Self.constantTimeEqual(Self.hash(secret), expected) {
            return .admitted
        }
        if secret == nil && row.bool("admit_without_secret") { return .admitted }
        return .refused(secret == nil ? "Device \(deviceId) must present its secret." : "Device \(deviceId) presented a wrong secret.")
    }

    /// Online with last seen now; an unknown device (authentication off) is recorded.
    public func markOnline(_ id: String, organizationId: String) async throws {
        try await database.query(
            """
            INSERT INTO devices (id, organization_id, name, online, last_seen, created_at) VALUES (?, ?, ?, 1, ?, ?)
            ON CONFLICT (id) DO UPDATE SET online = 1, last_seen = excluded.last_seen
            """,
            .text(id), .text(organizationId.lowercased()), .text(id), .text(Clock.now()), .text(Clock.now()))
    }

    public func markOffline(_ id: String) async throws {
        try await database.query("UPDATE devices SET online = 0, last_seen = ? WHERE id = ?", .text(Clock.now()), .text(id))
    }

    /// After a restart nobody is connected, whatever the table says.
    public func markAllOffline() async throws {
        try await database.query("UPDATE devices SET online = 0 WHERE online = 1")
    }

    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexadecimal
    }

    static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexadecimal
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func device(_ row: SQLRow) -> Device {
        Device(id: row.text("id")!, organizationId: row.text("organization_id")!, name: row.text("name")!, online: row.bool("online"),
               lastSeen: row.text("last_seen"), hasSecret: row.text("secret_hash") != nil,
               admitWithoutSecret: row.bool("admit_without_secret"))
    }
}
