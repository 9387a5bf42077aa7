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

    /// Recent attempts that counted against a login, as `countAttempt` sees them
    /// (each includes the attempt just counted).
    public struct AttemptCounts: Sendable, Equatable {
        /// For this login from this address.
        public let pair: Int
        /// From this address, whatever the login.
        public let fromAddress: Int
        /// For this login, from any address.
        public let forLogin: Int
        /// This attempt, to take back if its password was right (`forget`).
        public let attempt: String
    }

    /// The advisory lock under which attempts are counted (any number; unique to this use).
    static let attemptsLock: Int64 = 0x5354_4C47  // "STLG"

    /// Counts an attempt at `login` from `address` *before* its password is checked,
    /// and answers how many there were since `since`, this one included. Attempts sent
    /// at once are each counted before any is checked, so they cannot all slip under
    /// a limit; one that turns out right is taken back by `forget`.
    public func countAttempt(login: String, address: String, since: Date) async throws -> AttemptCounts {
        let login = login.lowercased(), from = since.formatted(.iso8601), now = Clock.now(), attempt = Secrets.make()
        let serialize = database.dialect == .postgres
        return try await database.transaction { sql in
            // PostgreSQL's transactions would not see each other's attempts until they commit:
            // counting one at a time is what holds guesses sent at once (SQLite's already are).
            if serialize { try await sql.query("SELECT pg_advisory_xact_lock(\(Self.attemptsLock))") }
            try await sql.query("DELETE FROM login_failures WHERE at < ?", .text(Date().addingTimeInterval(-86_400).formatted(.iso8601)))
            try await sql.query("INSERT INTO login_failures (login, address, at, attempt) VALUES (?, ?, ?, ?)", .text(login), .text(address),
                                .text(now), .text(attempt))
            let row = try await sql.query(
                """
                SELECT COUNT(CASE WHEN login = ? AND address = ? THEN 1 END) AS pair,
                       COUNT(CASE WHEN address = ? THEN 1 END) AS from_address,
                       COUNT(CASE WHEN login = ? THEN 1 END) AS for_login
                FROM login_failures WHERE at > ? AND (login = ? OR address = ?)
                """, .text(login), .text(address), .text(address), .text(login), .text(from), .text(login), .text(address)).first
            return AttemptCounts(pair: Int(row?.integer("pair") ?? 0), fromAddress: Int(row?.integer("from_address") ?? 0),
                                 forLogin: Int(row?.integer("for_login") ?? 0), attempt: attempt)
        }
    }

    /// A right password: its own attempt stops counting. The failures before it still
    /// count until they are older than the window: a right password among guesses sent
    /// at once (or a guesser who also knows one password) must not reset the count.
    public func forget(attempt: String) async throws {
        try await database.query("DELETE FROM login_failures WHERE attempt = ?", .text(attempt))
    }
}
