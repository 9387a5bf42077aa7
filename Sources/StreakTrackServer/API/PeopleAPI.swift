import BackendStore
import Foundation
import Hummingbird
import StreakTrackProtocol

/// Organizations, the people with a login in them, and the audit log of who changed what.
struct PeopleAPI: APIRoutes {
    let services: ServerServices

    /// A person as an admin sees them, with the one-time link they sign in with first when it was just made.
    struct PersonJSON: Encodable {
        let user: User
        let link: String?
    }

    func register(on api: RouterGroup<ServerRequestContext>) {
        api.get("organizations") { _, context in
            let principal = try context.requirePrincipal()
            let all = try await stores.roster.organizations()
            return try JSONResponse.make(principal.user.map { user in all.filter { $0.id == user.organizationId } } ?? all)
        }
        api.post("organizations") { request, context in
            struct Body: Decodable { let name: String; let id: String? }
            guard case .adminToken = try context.requirePrincipal() else {
                throw APIError(.forbidden, "organizations are added with the admin token or the command line")
            }
            let body = try await body(Body.self, of: request)
            let organization = try await stores.roster.addOrganization(name: body.name, id: body.id ?? ObjectID.make())
            await services.audit(.adminToken, organizationId: organization.id, "organization.add", target: organization.id, detail: body.name)
            return try JSONResponse.make(organization, status: .created)
        }

        // Co-admins read the list too: they choose a class's teachers from it.
        api.get("users") { request, context in
            let organizationId = try await organization(request, context, needs: .roster)
            return try JSONResponse.make(try await stores.users.users(organizationId: organizationId))
        }
        // An invitation: the person is added without a password and given a one-time link to choose one.
        api.post("users") { request, context in
            struct Body: Decodable { let login: String; let name: String; let role: Role; let organizationId: String? }
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .people)
            let user = try await stores.users.add(organizationId: organizationId, login: body.login, name: body.name, role: body.role)
            let code = try await stores.users.issueLink(userId: user.id, purpose: .invitation)
            await services.audit(principal, organizationId: organizationId, "user.invite", target: user.id, detail: "\(user.login) as \(user.role.rawValue)")
            return try JSONResponse.make(PersonJSON(user: user, link: services.linkURL(code)), status: .created)
        }
        api.delete("users/:id") { _, context in
            let principal = try context.requirePrincipal()
            let user = try await person(try context.parameters.require("id"), for: principal)
            if user.role == .admin, try await stores.users.admins(organizationId: user.organizationId).count == 1 {
                throw APIError(.conflict, "\(user.login) is the organization's only admin")
            }
            try await stores.users.remove(user.id)
            await services.audit(principal, organizationId: user.organizationId, "user.remove", target: user.id, detail: user.login)
            return Response(status: .noContent)
        }
        // A reset: the password stops working and a one-time link sets a new one.
        api.post("users/:id/reset") { _, context in
            let principal = try context.requirePrincipal()
            let user = try await person(try context.parameters.require("id"), for: principal)
            try await stores.users.clearPassword(user.id)
            let code = try await stores.users.issueLink(userId: user.id, purpose: .reset)
            await services.audit(principal, organizationId: user.organizationId, "user.reset", target: user.id, detail: user.login)
            return try JSONResponse.make(PersonJSON(user: try await stores.users.user(user.id)!, link: services.linkURL(code)))
        }

        api.get("audit") { request, context in
            let organizationId = try await organization(request, context, needs: .people)
            let before = request.query("before").flatMap { Int64($0) }
            let limit = min(500, max(1, request.query("limit").flatMap { Int($0) } ?? 100))
            return try JSONResponse.make(try await stores.audit.entries(organizationId: organizationId, before: before, limit: limit))
        }
    }

    /// A person an admin of their organization may manage.
    private func person(_ id: String, for principal: Principal) async throws -> User {
        guard let user = try await stores.users.user(id) else { throw APIError(.notFound, "no person \(id)") }
        try principal.require(.people, in: user.organizationId)
        return user
    }
}

extension ServerServices {
    /// The dashboard's address of a one-time link (the code in the fragment, which never reaches a server log).
    func linkURL(_ code: String) -> String { "\(publicURL)/#link=\(code)" }
}
