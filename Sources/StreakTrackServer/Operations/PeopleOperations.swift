import BackendStore
import StreakTrackProtocol

/// Organizations, people, and their passwords and one-time links.
extension Operations {
    /// Organizations are added with the admin token or on the command line, never by a person.
    public func addOrganization(named name: String, id: String = ObjectID.make(), by principal: Principal) async throws -> Organization {
        if case .person = principal { throw APIError(.forbidden, "organizations are added with the admin token or the command line") }
        return try await committed(principal, in: id.lowercased(), .organizationAdd, target: \.id, detail: \.name) {
            try await stores.roster.addOrganization(name: name, id: id)
        }
    }

    /// A person of an organization an admin of it (or the admin token) may manage.
    public func managedPerson(_ id: String, for principal: Principal) async throws -> User {
        guard let user = try await stores.users.user(id) else { throw APIError(.notFound, "no person \(id)") }
        try principal.require(.people, in: user.organizationId)
        return user
    }

    /// A new person: with a password (the command line), or without one and a one-time
    /// invitation link to choose it (its code).
    public func addPerson(login: String, name: String, role: Role, password: String? = nil, in organizationId: String,
                          by principal: Principal) async throws -> (user: User, invitation: String?) {
        try principal.require(.people, in: organizationId)
        let hashed = try await Passwords.Hashed.ifGiven(password)
        return try await committed(principal, in: organizationId, hashed == nil ? .userInvite : .userAdd, target: \.user.id,
                                   detail: { "\($0.user.login) as \($0.user.role.rawValue)" }) {
            let user = try await stores.users.add(organizationId: organizationId, login: login, name: name, role: role, hashed: hashed)
            return (user, hashed == nil ? try await stores.users.issueLink(userId: user.id, purpose: .invitation) : nil)
        }
    }

    /// Removes a person (never an organization's only admin: nobody could then manage people).
    public func removePerson(_ id: String, by principal: Principal) async throws {
        let user = try await managedPerson(id, for: principal)
        try await committed(principal, in: user.organizationId, .userRemove, target: { _ in id }, detail: { _ in user.login }) {
            if user.role == .admin, try await stores.users.admins(organizationId: user.organizationId).count == 1 {
                throw APIError(.conflict, "\(user.login) is the organization's only admin")
            }
            try await stores.users.remove(id)
        }
    }

    /// A reset: the password and every session end at once; the code of a one-time link sets a new password.
    public func resetPassword(of id: String, by principal: Principal) async throws -> (user: User, code: String) {
        let user = try await managedPerson(id, for: principal)
        return try await committed(principal, in: user.organizationId, .userReset, target: \.user.id, detail: \.user.login) {
            try await stores.users.clearPassword(id)
            let code = try await stores.users.issueLink(userId: id, purpose: .reset)
            guard let user = try await stores.users.user(id) else { throw StoreError(.notFound, "no person \(id)") }
            return (user, code)
        }
    }

    /// One's own new password (the current one checked by the caller, throttled); every other session ends.
    public func changeOwnPassword(to password: String, of user: User) async throws {
        let hashed = try await Passwords.Hashed(password)
        try await committed(.person(user, csrf: ""), in: user.organizationId, .userPassword, target: { _ in user.id }) {
            try await stores.users.setPassword(hashed, userId: user.id)
        }
    }

    /// A one-time link used: the password set (at set-up, the first admin's login and name too) and the link used up.
    /// Audited as the person is once it is used (the first admin's login is theirs then).
    public func redeemLink(_ code: String, password: String, login: String?, name: String?) async throws -> User {
        let hashed = try await Passwords.Hashed(password)
        return try await stores.database.transaction { _ in
            let (user, purpose) = try await stores.users.redeemLink(code: code, password: hashed, login: login, name: name)
            try await record(.linkUsed(purpose), by: .person(user, csrf: ""), in: user.organizationId, target: user.id)
            return user
        }
    }
}
