import BackendStore
import Foundation
import Hummingbird
import StreakTrackLogging

/// Signing in and out, the session a page reads, changing one's password, and
/// the one-time links (the first admin's set-up, invitations, resets).
struct SessionRoutes: Sendable {
    let services: ServerServices

    private var stores: BackendStores { services.stores }
    private var limits: ServerConfiguration.Limits { services.configuration.limits }
    private var throttle: LoginThrottle { LoginThrottle(sessions: stores.sessions, limits: limits, log: services.peerLog) }

    /// What a signed-in page needs to know about its person.
    struct SessionJSON: Encodable {
        let user: User
        let csrf: String
        let organization: Organization?
    }

    func register(on router: Router<ServerRequestContext>) {
        router.post("api/login") { request, context in
            struct Body: Decodable { let login: String; let password: String }
            // Another site's page could make a browser sign in to an account of the attacker's
            // (login CSRF): such a page can send neither a JSON body without asking first nor our Origin.
            try requireOwnPage(request, context)
            let body = try await JSONResponse.decode(Body.self, from: request, limit: 16 << 10, timeout: limits.bodyTimeout)
            let attempt = try await throttle.attempt(login: body.login, from: context.peerAddress)
            guard let user = try await stores.users.verify(login: body.login, password: body.password) else {
                services.peerLog.notice(from: context.peerAddress, "failed login for \(body.login.cutForLog()) from \(context.peerAddress)")
                throw APIError(.unauthorized, "the login or the password is not right")
            }
            try await throttle.succeeded(attempt)
            return try await signIn(user)
        }
        // A page elsewhere must not sign a person out either: the CSRF token is checked.
        router.post("api/logout") { request, _ in
            if case .person = try await services.principal(for: request, checkingCSRF: true),
               let token = request.cookies[ServerServices.sessionCookie]?.value {
                try await stores.sessions.end(token: token)
            }
            var response = Response(status: .noContent)
            response.setCookie(sessionCookie("", maxAge: 0))
            return response
        }
        router.get("api/session") { request, _ in
            guard case .person(let user, let csrf)? = try await services.principal(for: request, checkingCSRF: false) else {
                throw APIError(.unauthorized, "not signed in")
            }
            return try JSONResponse.make(SessionJSON(user: user, csrf: csrf,
                                                     organization: try await stores.roster.organization(user.organizationId)))
        }
        router.post("api/password") { request, context in
            struct Body: Decodable { let current: String; let new: String }
            guard case .person(let user, _)? = try await services.principal(for: request, checkingCSRF: true) else {
                throw APIError(.unauthorized, "not signed in")
            }
            let body = try await JSONResponse.decode(Body.self, from: request, limit: 16 << 10, timeout: limits.bodyTimeout)
            // A stolen session must not become a way to guess the password itself.
            let attempt = try await throttle.attempt(login: user.login, from: context.peerAddress)
            guard try await stores.users.verify(login: user.login, password: body.current) != nil else {
                services.peerLog.notice(from: context.peerAddress, "wrong current password for \(user.login) from \(context.peerAddress)")
                throw APIError(.forbidden, "the current password is not right")
            }
            try await throttle.succeeded(attempt)
            try await services.operations.changeOwnPassword(to: body.new, of: user)
            // Every session ended with the old password: this page gets a new one (new cookie, new CSRF token).
            return try await signIn(user)
        }
        router.get("api/links/:code") { _, context in
            struct LinkJSON: Encodable { let purpose: String; let login: String; let name: String; let role: Role }
            guard let (user, purpose) = try await stores.users.linkHolder(code: try context.parameters.require("code")) else {
                throw APIError(.notFound, "this link is not valid any more: ask an administrator for a new one")
            }
            return try JSONResponse.make(LinkJSON(purpose: purpose.rawValue, login: user.login, name: user.name, role: user.role))
        }
        router.post("api/links/:code") { request, context in
            struct Body: Decodable { let password: String; let login: String?; let name: String? }
            let code = try context.parameters.require("code")
            try requireOwnPage(request, context)
            let body = try await JSONResponse.decode(Body.self, from: request, limit: 16 << 10, timeout: limits.bodyTimeout)
            // Used up in the same transaction that sets the password: of several uses at once, one wins.
            let user = try await services.operations.redeemLink(code, password: body.password, login: body.login, name: body.name)
            return try await signIn(user)
        }
    }

    /// A new session in a cookie for `user`, answered with what the page needs.
    private func signIn(_ user: User) async throws -> Response {
        let (token, session) = try await stores.sessions.start(userId: user.id, lifetime: services.configuration.sessionLifetime)
        var response = try JSONResponse.make(SessionJSON(user: session.user, csrf: session.csrf,
                                                         organization: try await stores.roster.organization(user.organizationId)))
        response.setCookie(sessionCookie(token, maxAge: Int(services.configuration.sessionLifetime.components.seconds)))
        return response
    }

    /// HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
    /// Secure when the server is reached over TLS.
    private func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: ServerServices.sessionCookie, value: value, maxAge: maxAge, path: "/",
               secure: services.configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// What only this server's own page sends: a JSON body (another site's page cannot
    /// send one without asking first, and we never answer such a question) and, when
    /// the browser names it, our own origin.
    private func requireOwnPage(_ request: Request, _ context: ServerRequestContext) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" else {
            throw APIError(.unsupportedMediaType, "send the body as JSON (Content-Type: application/json)")
        }
        try services.requireSameOrigin(request, context: context)
    }
}
