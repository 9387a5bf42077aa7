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

    /// The key that signs photo links, made on first use. Every instance on one
    /// database reads the same key, so a link signed by one is good at all.
    public func photoLinkKey() async throws -> [UInt8] {
        try await database.query("INSERT INTO settings (key, value) VALUES ('photo_link_key', ?) ON CONFLICT (key) DO NOTHING",
                                 .text(Secrets.make()))
        guard let hex = try await value("photo_link_key"), let key = [UInt8](hexadecimal: hex) else {
            throw StoreError(.invalid, "the stored photo link key is not hexadecimal")
        }
        return key
    }

    /// A new admin token; only its hash is stored, so it is shown once.
    public func resetAdminToken() async throws -> String {
        let token = Secrets.make()
        try await set("admin_token_sha256", Secrets.hash(token))
        return token
    }

    /// Sets a token chosen by the operator.
    public func setAdminToken(_ token: String) async throws {
        guard token.count >= 16 else { throw StoreError(.invalid, "an admin token must be at least 16 characters") }
        try await set("admin_token_sha256", Secrets.hash(token))
    }

    public func hasAdminToken() async throws -> Bool {
        try await value("admin_token_sha256") != nil
    }

    public func isAdminToken(_ token: String) async throws -> Bool {
        guard let expected = try await value("admin_token_sha256") else { return false }
        return Secrets.equal(Secrets.hash(token), expected)
    }
}
