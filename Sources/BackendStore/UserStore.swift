import Foundation
import StreakTrackProtocol

/// What a person may do in their organization.
public enum Role: String, Sendable, Codable, CaseIterable {
    /// Everything in the organization, people and the audit log included.
    case admin
    /// As in the original: students, devices, classes and attendance; not people.
    case coadmin
    /// The attendance of their own classes, and the live view of the devices serving them.
    case teacher
}

public struct User: Sendable, Equatable, Codable {
    public let id: String
    public let organizationId: String
    public let login: String
    public let name: String
    public let role: Role
    /// False until the person has chosen a password (through their invitation link).
    public let active: Bool
    public let createdAt: String
}

/// People with a login, their passwords, and the one-time links that let them
/// set one (the first admin's set-up, an invitation, a reset).
public struct UserStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public enum LinkPurpose: String, Sendable {
        case setup, invitation, reset
    }

    /// Adds a person; without a password they can sign in only once they have set one through a link.
    public func add(organizationId: String, login: String, name: String, role: Role, password: String? = nil) async throws -> User {
        try await add(organizationId: organizationId, login: login, name: name, role: role, hashed: try await Passwords.Hashed.ifGiven(password))
    }

    public func add(organizationId: String, login: String, name: String, role: Role, hashed: Passwords.Hashed?) async throws -> User {
        let login = try Self.checkedLogin(login)
        let name = try Self.checkedName(name)
        let hash = hashed?.value
        let id = ObjectID.make()
        let rows = try await database.query(
            """
            INSERT INTO users (id, organization_id, login, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (login) DO NOTHING RETURNING id
            """,
            .text(id), .text(organizationId.lowercased()), .text(login), .text(name), .text(role.rawValue), SQLValue(hash),
            .text(Clock.now()))
        guard !rows.isEmpty else { throw StoreError(.conflict, "the login \(login) is taken") }
        return try await user(id)!
    }

    public func user(_ id: String) async throws -> User? {
        try await database.query("SELECT * FROM users WHERE id = ?", .text(id)).first.map(Self.user)
    }

    public func user(login: String) async throws -> User? {
        try await database.query("SELECT * FROM users WHERE login = ?", .text(login.lowercased())).first.map(Self.user)
    }

    public func users(organizationId: String) async throws -> [User] {
        try await database.query("SELECT * FROM users WHERE organization_id = ? ORDER BY role, login",
                                 .text(organizationId.lowercased())).map(Self.user)
    }

    public func admins(organizationId: String) async throws -> [User] {
        try await users(organizationId: organizationId).filter { $0.role == .admin }
    }

    /// A new login or name (the first admin chooses theirs at set-up).
    public func rename(_ id: String, login: String?, name: String?) async throws {
        if let login {
            let login = try Self.checkedLogin(login)
            if let holder = try await user(login: login), holder.id != id { throw StoreError(.conflict, "the login \(login) is taken") }
            try await database.query("UPDATE users SET login = ? WHERE id = ?", .text(login), .text(id))
        }
        if let name { try await database.query("UPDATE users SET name = ? WHERE id = ?", .text(try Self.checkedName(name)), .text(id)) }
    }

    public func remove(_ id: String) async throws {
        let rows = try await database.query("DELETE FROM users WHERE id = ? RETURNING id", .text(id))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no person \(id)") }
    }

    /// The person whose login and password these are, or nil (in about the same time either way).
    public func verify(login: String, password: String) async throws -> User? {
        let row = try await database.query("SELECT * FROM users WHERE login = ?", .text(login.lowercased())).first
        guard let row, let hash = row.text("password_hash") else {
            _ = await Passwords.verify(password, hash: Passwords.decoy)
            return nil
        }
        return await Passwords.verify(password, hash: hash) ? Self.user(row) : nil
    }

    /// Sets a new password and ends every session of the person (a changed password
    /// must lock out whoever knew the old one).
    public func setPassword(_ password: String, userId: String) async throws {
        try await setPassword(try await Passwords.Hashed(password), userId: userId)
    }

    public func setPassword(_ hashed: Passwords.Hashed, userId: String) async throws {
        let hash = hashed.value
        try await database.transaction { sql in
            let rows = try await sql.query("UPDATE users SET password_hash = ? WHERE id = ? RETURNING id", .text(hash), .text(userId))
            guard !rows.isEmpty else { throw StoreError(.notFound, "no person \(userId)") }
            try await sql.query("DELETE FROM sessions WHERE user_id = ?", .text(userId))
        }
    }

    /// The password stops working (and every session of the person ends) until a link sets a new one.
    public func clearPassword(_ userId: String) async throws {
        try await database.transaction { sql in
            try await sql.query("UPDATE users SET password_hash = NULL WHERE id = ?", .text(userId))
            try await sql.query("DELETE FROM sessions WHERE user_id = ?", .text(userId))
        }
    }

    /// A new one-time code for `purpose`, good for `lifetime`; earlier codes of the person stop working.
    public func issueLink(userId: String, purpose: LinkPurpose, lifetime: Duration = .seconds(72 * 3600)) async throws -> String {
        let code = Secrets.make()
        let expires = Date().addingTimeInterval(TimeInterval(lifetime.components.seconds)).formatted(.iso8601)
        try await database.transaction { sql in
            try await sql.query("DELETE FROM user_links WHERE user_id = ?", .text(userId))
            try await sql.query("INSERT INTO user_links (code_hash, user_id, purpose, expires_at) VALUES (?, ?, ?, ?)",
                                .text(Secrets.hash(code)), .text(userId), .text(purpose.rawValue), .text(expires))
        }
        return code
    }

    /// The person a one-time code is for (without using it up), or nil when it is unknown or expired.
    public func linkHolder(code: String) async throws -> (User, LinkPurpose)? {
        guard let row = try await database.query(
            "SELECT user_id, purpose, expires_at FROM user_links WHERE code_hash = ?", .text(Secrets.hash(code))).first,
              row.text("expires_at")! > Clock.now(), let purpose = row.text("purpose").flatMap(LinkPurpose.init(rawValue:)),
              let user = try await user(row.text("user_id")!)
        else { return nil }
        return (user, purpose)
    }

    /// Uses a one-time code to set the person's password (and, on the first admin's
    /// set-up link, their own login and name); the code then stops working. Taking the
    /// code and setting the password are one transaction: of several uses at once,
    /// exactly one finds the code, the others are told it is not valid any more.
    public func redeemLink(code: String, password: Passwords.Hashed, login: String? = nil, name: String? = nil) async throws -> (User, LinkPurpose) {
        let gone = StoreError(.notFound, "this link is not valid any more: ask an administrator for a new one")
        let (userId, purpose) = try await database.transaction { sql -> (String, LinkPurpose) in
            guard let row = try await sql.query("DELETE FROM user_links WHERE code_hash = ? RETURNING user_id, purpose, expires_at",
                                                .text(Secrets.hash(code))).first,
                  let userId = row.text("user_id"), let expires = row.text("expires_at"), expires > Clock.now(),
                  let purpose = row.text("purpose").flatMap(LinkPurpose.init(rawValue:))
            else { throw gone }
            // Both join this transaction: a refused login or password gives the link back.
            if purpose == .setup, login != nil || name != nil { try await rename(userId, login: login, name: name) }
            try await setPassword(password, userId: userId)
            return (userId, purpose)
        }
        guard let user = try await user(userId) else { throw gone }
        return (user, purpose)
    }

    /// A login is a name or an e-mail address: one word, any case (kept in lower case).
    static func checkedLogin(_ login: String) throws -> String {
        let login = login.trimmingCharacters(in: .whitespaces).lowercased()
        guard !login.isEmpty, login.count <= 200, !login.unicodeScalars.contains(where: FieldRule.isForbidden), !login.contains(" ") else {
            throw StoreError(.invalid, "a login is a name or an e-mail address without spaces, up to 200 characters")
        }
        return login
    }

    static func checkedName(_ name: String) throws -> String {
        let name = name.trimmingCharacters(in: .whitespaces)
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "the person's " + problem) }
        return name
    }

    static func user(_ row: SQLRow) -> User {
        User(id: row.text("id")!, organizationId: row.text("organization_id")!, login: row.text("login")!, name: row.text("name")!,
             role: Role(rawValue: row.text("role")!) ?? .teacher, active: row.text("password_hash") != nil,
             createdAt: row.text("created_at")!)
    }
}
