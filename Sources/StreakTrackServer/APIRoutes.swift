import BackendStore
import Hummingbird

/// What every group of REST routes shares: the stores, reading a JSON body, and who asks.
protocol APIRoutes: Sendable {
    var services: ServerServices { get }
}

extension APIRoutes {
    var stores: BackendStores { services.stores }
    /// Every change goes through here: the access check, the change and its audit entry.
    var operations: Operations { services.operations }

    /// A JSON body of at most `limit` bytes that arrives within the body time-out.
    func body<T: Decodable>(_ type: T.Type, of request: Request, limit: Int = 64 << 10) async throws -> T {
        try await JSONResponse.decode(type, from: request, limit: limit, timeout: services.configuration.limits.bodyTimeout)
    }

    /// The organization a request is about, once the principal may act in it (with `capability`).
    func organization(_ request: Request, _ context: ServerRequestContext, needs capability: Principal.Capability?) async throws -> String {
        try await organization(named: request.query("organizationId"), context, needs: capability)
    }

    /// The organization named in a body (or the person's own), once the principal may act in it.
    func organization(named given: String?, _ context: ServerRequestContext, needs capability: Principal.Capability?) async throws -> String {
        let principal = try context.requirePrincipal()
        let organizationId = try principal.organization(named: given)
        try principal.require(capability, in: organizationId)
        // The admin token may name any organization: it has to exist.
        if case .adminToken = principal, try await stores.roster.organization(organizationId) == nil {
            throw APIError(.notFound, "no organization \(organizationId)")
        }
        return organizationId
    }
}
