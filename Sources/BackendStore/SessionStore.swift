import Foundation

/// Signed-in sessions (a random token in a cookie; only its hash is kept, with
/// the session's CSRF token) and the failed logins that slow down guessing.
public struct SessionStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public struct Session: Sendable, Equatable {
        public let user: User
        /// Sent back by the page with every change it asks for (`X-CSRF-Token`).
        public let csrf: String
        public let expiresAt: String
    }

    /// A new session for `userId`: the token for the cookie, and the session.
    public func start(userId: String, lifetime: Duration) async throws -> (token: String, session: Session) {
        let token = Secrets.make(), csrf = Secrets.make()
        let expires = Date().addingTimeInterval(TimeInterval(lifetime.components.seconds)).formatted(.iso8601)
        try await database.query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                                 .text(Secrets.hash(token)), .text(userId), .text(csrf), .text(Clock.now()), .text(expires))
        try await database.query("DELETE FROM sessions WHERE expires_at < ?", .text(Clock.now()))
        return (token, try await session(token: token)!)
    }

    /// The live session a cookie's token belongs to, or nil.
    public func session(token: String) async throws -> Session? {
        guard let row = try await database.query(
            """
            SELECT s.csrf, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = ? AND s.expires_at > ?
            """, .text(Secrets.hash(token)), .text(Clock.now())).first
        else { return nil }
        return Session(user: UserStore.user(row), csrf: row.text("csrf")!, expiresAt: row.text("expires_at")!)
    }

    public func end(token: String) async throws {
        try await database.query("DELETE FROM sessions WHERE token_hash = ?", .text(Secrets.hash(token)))
    }

    // MARK: Throttling

    public func recordFailure(login: String, address: String) async throws {
        try await database.query("INSERT INTO login_failures (login, address, at) VALUES (?, ?, ?)",
                                 .text(login.lowercased()), .text(address), .text(Clock.now()))
        let old = Date().addingTimeInterval(-86_400).formatted(.iso8601)
        try await database.query("DELETE FROM login_failures WHERE at < ?", .text(old))
    }

    /// Failed logins since `since`, for a login and from an address.
    public func failures(login: String, address: String, since: Date) async throws -> (forLogin: Int, fromAddress: Int) {
        let from = since.formatted(.iso8601)
        let forLogin = try await database.query("SELECT COUNT(*) AS n FROM login_failures WHERE login = ? AND at > ?",
                                                .text(login.lowercased()), .text(from)).first?.integer("n") ?? 0
        let fromAddress = try await database.query("SELECT COUNT(*) AS n FROM login_failures WHERE address = ? AND at > ?",
                                                   .text(address), .text(from)).first?.integer("n") ?? 0
        return (Int(forLogin), Int(fromAddress))
    }

    public func clearFailures(login: String) async throws {
        try await database.query("DELETE FROM login_failures WHERE login = ?", .text(login.lowercased()))
    }
}
