import BackendStore

/// Who is asking: the admin token (scripts, every organization), the command
/// line on the server's machine (every organization), or a signed-in person with
/// their role in their organization.
public enum Principal: Sendable {
    case adminToken
    case commandLine
    case person(User, csrf: String)

    /// As the audit log names them.
    public var actor: String {
        switch self {
        case .adminToken: "admin token"
        case .commandLine: "command line"
        case .person(let user, _): "user:\(user.login)"
        }
    }

    public var user: User? {
        if case .person(let user, _) = self { return user }
        return nil
    }

    /// What may be done, by role.
    public enum Capability: String, Sendable {
        /// People, their roles and the audit log: admins.
        case people
        /// Students, photos, classes, devices, the calendar: admins and co-admins.
        case roster
        /// Every class's attendance: admins and co-admins (a teacher sees their own classes').
        case allAttendance
    }

    /// Refuses (403) a principal of another organization, or without `capability` in it.
    public func require(_ capability: Capability?, in organizationId: String) throws {
        guard case .person(let user, _) = self else { return }
        guard user.organizationId == organizationId.lowercased() else {
            throw APIError(.forbidden, "this belongs to another organization")
        }
        guard let capability else { return }
        let allowed: Bool = switch capability {
        case .people: user.role == .admin
        case .roster, .allAttendance: user.role == .admin || user.role == .coadmin
        }
        guard allowed else { throw APIError(.forbidden, "a \(user.role.rawValue) may not do this") }
    }

    /// The organization a request is about: the person's own, or (admin token) the one named.
    func organization(named given: String?) throws -> String {
        let given = given.flatMap { $0.isEmpty ? nil : $0.lowercased() }
        if let user {
            guard given == nil || given == user.organizationId else { throw APIError(.forbidden, "this belongs to another organization") }
            return user.organizationId
        }
        guard let given else { throw APIError(.badRequest, "the query needs organizationId") }
        return given
    }
}
