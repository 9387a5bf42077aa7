import Hummingbird

/// The client of the request being handled, for what is written about it far from
/// the request (the audit log), without handing the context to every change.
enum RequestClient {
    @TaskLocal static var address: String?
}

/// Sets `RequestClient.address` for everything a request does.
struct RequestClientMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: ServerRequestContext,
                next: (Request, ServerRequestContext) async throws -> Response) async throws -> Response {
        try await RequestClient.$address.withValue(context.peerAddress) { try await next(request, context) }
    }
}
