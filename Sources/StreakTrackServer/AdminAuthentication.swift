import Hummingbird

/// The REST API needs `Authorization: Bearer <admin token>`.
struct AdminAuthentication<Context: RequestContext>: RouterMiddleware {
    let services: ServerServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              try await services.stores.settings.isAdminToken(String(header.dropFirst(7)))
        else {
            throw APIError(.unauthorized, "an admin token is required (Authorization: Bearer <token>)")
        }
        return try await next(request, context)
    }
}
