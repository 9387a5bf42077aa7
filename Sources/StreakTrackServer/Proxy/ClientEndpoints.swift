import NIOCore
import Synchronization

/// Who is at the other end of a connection: the peer's address, or, when the peer
/// is a trusted balancer that said so (PROXY protocol), its client's; and whether
/// the client's own connection is TLS (this server's, or the balancer's).
public struct ClientEndpoint: Sendable, Equatable {
    public var address: String
    public var viaTLS: Bool
}

/// The client of each open connection, set when the connection is accepted (and
/// again by `ProxyProtocolDecoder`), read by every request on it. Keyed by the
/// channel, so that request contexts, which Hummingbird makes from the channel
/// alone, can find it.
final class ClientEndpoints: Sendable {
    static let shared = ClientEndpoints()
    private let byChannel = Mutex([ObjectIdentifier: ClientEndpoint]())

    func set(_ endpoint: ClientEndpoint, for channel: any Channel) {
        byChannel.withLock { $0[ObjectIdentifier(channel)] = endpoint }
    }

    func remove(_ channel: any Channel) {
        _ = byChannel.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The connection's client; its peer when nothing was recorded (a connection
    /// made before the server counted it, which does not happen in service).
    func endpoint(of channel: any Channel) -> ClientEndpoint {
        byChannel.withLock { $0[ObjectIdentifier(channel)] }
            ?? ClientEndpoint(address: channel.remoteAddress?.ipAddress ?? "unknown", viaTLS: false)
    }
}
