import Hummingbird

/// The REST API needs `Authorization: Bearer <admin token>`.
struct AdminAuthentication<Context: RequestContext>: RouterMiddleware {
    let services: ServerServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard try await services.isAdmin(request) else {
            throw APIError(.unauthorized, "an admin token is required (Authorization: Bearer <token>)")
        }
        return try await next(request, context)
    }
}

extension ServerServices {
    /// Whether the request carries the admin token in its Authorization header
    /// (throws when the store cannot tell: a 503, not a 401).
    func isAdmin(_ request: Request) async throws -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return try await stores.settings.isAdminToken(String(header.dropFirst(7)))
    }
}
