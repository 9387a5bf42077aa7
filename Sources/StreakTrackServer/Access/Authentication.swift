import BackendStore
import Foundation
import HTTPTypes
import Hummingbird

/// Finds out who is asking, and refuses (401) anybody else: the admin token
/// (`Authorization: Bearer`), or a signed-in person (the session cookie). A change
/// asked for with the cookie must carry the session's CSRF token too: a page on
/// another site can make the browser send the cookie, never that header.
struct Authentication: RouterMiddleware {
    let services: ServerServices

    func handle(_ request: Request, context: ServerRequestContext,
                next: (Request, ServerRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        guard let principal = try await services.principal(for: request, checkingCSRF: true) else {
            throw APIError(.unauthorized, "sign in, or send the admin token (Authorization: Bearer <token>)")
        }
        context.principal = principal
        return try await next(request, context)
    }
}

extension ServerServices {
    static let sessionCookie = "streaktrack_session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The principal behind a request, or nil when it carries no valid credential.
    func principal(for request: Request, checkingCSRF: Bool) async throws -> Principal? {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return try await stores.settings.isAdminToken(String(header.dropFirst(7))) ? .adminToken : nil
        }
        guard let token = request.cookies[Self.sessionCookie]?.value,
              let session = try await stores.sessions.session(token: token) else { return nil }
        if checkingCSRF, request.method != .get, request.method != .head {
            guard let sent = request.headers[Self.csrfHeader], Secrets.equal(sent, session.csrf) else {
                throw APIError(.forbidden, "the request lacks this page's CSRF token (reload the page)")
            }
        }
        return .person(session.user, csrf: session.csrf)
    }
}
