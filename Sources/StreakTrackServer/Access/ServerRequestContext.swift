import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The context of every request, HTTP or WebSocket: Hummingbird's basic one
/// plus the connection's channel, for the peer's address and for closing a
/// connection whose reader has stopped reading.
struct ServerRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<ServerRequestContext>
    let channel: any Channel
    /// Who is asking, once `Authentication` has found out.
    var principal: Principal?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
    }

    /// The client: the peer, or the one a trusted balancer's PROXY header named.
    var client: ClientEndpoint { ClientEndpoints.shared.endpoint(of: channel) }
    /// The client's address: what throttling, connection caps and the audit log key on.
    var peerAddress: String { client.address }

    /// The principal of an authenticated route (the middleware has made sure there is one).
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError(.unauthorized, "sign in first") }
        return principal
    }
}
