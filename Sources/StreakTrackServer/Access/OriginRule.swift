import Foundation
import Hummingbird
import StreakTrackLogging

/// Whether a browser's `Origin` is this server itself (or one the administrator
/// listed): scheme, host and port must all be the ones the browser used to reach
/// it. The one rule for dashboard sockets and for signing in.
extension ServerServices {
    /// `host` is the request's authority (`Host`); `viaTLS`, whether the browser's
    /// connection is TLS (the server's own, or a trusted proxy's in front of it).
    func originAllowed(_ origin: String, host: String?, viaTLS: Bool) -> Bool {
        if configuration.allowedOrigins.contains(origin) { return true }
        guard let host, let sent = Self.endpoint(origin),
              let own = Self.endpoint("\(viaTLS ? "https" : "http")://\(host)")
        else { return false }
        return sent == own
    }

    /// Scheme, lower-cased host and port (the scheme's default when none is given).
    private static func endpoint(_ text: String) -> (scheme: String, host: String, port: Int)? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty,
              components.path.isEmpty || components.path == "/", components.query == nil, components.user == nil
        else { return nil }
        return (scheme, host, components.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Refuses (403) a request a browser sent from another site's page: its `Origin`,
    /// when it has one, must be this server's.
    func requireSameOrigin(_ request: Request, context: ServerRequestContext) throws {
        guard let origin = request.headers[.origin] else { return }
        guard originAllowed(origin, host: request.head.authority, viaTLS: context.client.viaTLS) else {
            throw APIError(.forbidden, "this request came from another site's page (Origin \(origin.cutForLog()))")
        }
    }
}
