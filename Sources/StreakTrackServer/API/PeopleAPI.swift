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
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request)
            let organization = try await operations.addOrganization(named: body.name, id: body.id ?? ObjectID.make(), by: principal)
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
            let (user, code) = try await operations.addPerson(login: body.login, name: body.name, role: body.role, in: organizationId, by: principal)
            return try JSONResponse.make(PersonJSON(user: user, link: code.map(services.linkURL)), status: .created)
        }
        api.delete("users/:id") { _, context in
            try await operations.removePerson(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        // A reset: the password stops working and a one-time link sets a new one.
        api.post("users/:id/reset") { _, context in
            let (user, code) = try await operations.resetPassword(of: try context.parameters.require("id"), by: try context.requirePrincipal())
            return try JSONResponse.make(PersonJSON(user: user, link: services.linkURL(code)))
        }

        api.get("audit") { request, context in
            let organizationId = try await organization(request, context, needs: .people)
            let before = request.query("before").flatMap { Int64($0) }
            let limit = min(500, max(1, request.query("limit").flatMap { Int($0) } ?? 100))
            return try JSONResponse.make(try await stores.audit.entries(organizationId: organizationId, before: before, limit: limit))
        }
    }
}

extension ServerServices {
    /// The dashboard's address of a one-time link (the code in the fragment, which never reaches a server log).
    func linkURL(_ code: String) -> String { "\(publicURL)/#link=\(code)" }
}
