import SQLStorage
import Crypto
import Foundation

/// Server-wide settings kept in the database, so every instance agrees.
public struct SettingsStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func value(_ key: String) async throws -> String? {
        try await database.query("SELECT value FROM settings WHERE key = ?", .text(key)).first?.text("value")
    }

    public func set(_ key: String, _ value: String) async throws {
        try await database.query(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            .text(key), .text(value))
    }

    /// Whether devices must be registered and present their secret. Off on a
    /// fresh data directory, as the original backend had no authentication.
    public func deviceAuthenticationRequired() async throws -> Bool {
        try await value("device_authentication") == "required"
    }

    public func setDeviceAuthenticationRequired(_ required: Bool) async throws {
        try await set("device_authentication", required ? "required" : "off")
    }

    /// A new admin token; only its hash is stored, so it is shown once.
    public func resetAdminToken() async throws -> String {
        let token = DeviceStore.newSecret()
        try await set("admin_token_sha256", DeviceStore.hash(token))
        return token
    }

    /// Sets a token chosen by the operator.
    public func setAdminToken(_ token: String) async throws {
        guard token.count >= 16 else { throw StoreError(.invalid, "an admin token must be at least 16 characters") }
        try await set("admin_token_sha256", DeviceStore.hash(token))
    }

    public func hasAdminToken() async throws -> Bool {
        try await value("admin_token_sha256") != nil
    }

    public func isAdminToken(_ token: String) async throws -> Bool {
        guard let expected = try await value("admin_token_sha256") else { return false }
        return DeviceStore.constantTimeEqual(DeviceStore.hash(token), expected)
    }
}
