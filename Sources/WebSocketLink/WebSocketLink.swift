import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A WebSocket client connection (RFC 6455) over SwiftNIO, ws:// or wss://.
///
/// Written here because our servers send their first message (the roster) right
/// behind the handshake reply, and the packaged client can lose frames that
/// arrive in the same read as that reply; this one hands every byte left after
/// the handshake straight to the frame decoder.
public final class WebSocketLink: Sendable {
    public enum Message: Sendable, Equatable {
        case text(String)
        case binary([UInt8])
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Messages as they arrive; finishes when the connection closes.
    public let messages: AsyncStream<Message>
    private let channel: any Channel
    private let ending: LinkEnding

    /// Opens a connection: TCP (and TLS for wss), then the HTTP upgrade.
    /// - Parameters:
    ///   - headers: sent with the upgrade request (a device secret, say).
    ///   - tls: for wss; default: the system's trust roots and hostname verification.
    public static func connect(to url: URL, headers: [(String, String)] = [], tls: TLSConfiguration? = nil,
                               timeout: Duration = .seconds(10), maxMessageBytes: Int = 16 << 20,
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> WebSocketLink {
        guard let scheme = url.scheme?.lowercased(), ["ws", "wss"].contains(scheme), let host = url.host, !host.isEmpty else {
            throw Failure("not a ws:// or wss:// URL: \(url.absoluteString)")
        }
        let secure = scheme == "wss"
        let port = url.port ?? (secure ? 443 : 80)
        let sslContext = try secure ? NIOSSLContext(configuration: tls ?? .makeClientConfiguration()) : nil
        var path = url.path.isEmpty ? "/" : url.path
        if let query = url.query { path += "?" + query }
        let request = UpgradeRequest(host: url.port.map { "\(host):\($0)" } ?? host, path: path, headers: headers)
        let (messages, continuation) = AsyncStream.makeStream(of: Message.self)
        let ending = LinkEnding()
        let upgraded = group.next().makePromise(of: Void.self)

        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(Int64(timeout.components.seconds * 1000)))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: Self.isIPAddress(host) ? nil : host))
                    }
                    let frames = FrameHandler(continuation: continuation, ending: ending)
                    try channel.pipeline.syncOperations.addHandler(
                        HandshakeHandler(request: request, maxMessageBytes: maxMessageBytes, frames: frames, upgraded: upgraded))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            let failure = Failure("cannot connect to \(host):\(port): \(error)")
            upgraded.fail(failure)  // every promise must be completed, even when no channel came of it
            continuation.finish()
            throw failure
        }
        let deadline = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout.components.seconds * 1000) + 1)) {
            upgraded.fail(Failure("no WebSocket handshake from \(host):\(port) within \(timeout)"))
        }
        do {
            try await upgraded.futureResult.get()
            deadline.cancel()
        } catch {
            deadline.cancel()
            continuation.finish()
            try? await channel.close()
            throw error
        }
        return WebSocketLink(channel: channel, messages: messages, ending: ending)
    }

    private init(channel: any Channel, messages: AsyncStream<Message>, ending: LinkEnding) {
        self.channel = channel
        self.messages = messages
        self.ending = ending
    }

    /// SNI carries names only; the certificate of a server reached by address is checked against its IP SAN.
    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    public func send(text: String) async throws {
        try await write(.text, channel.allocator.buffer(string: text))
    }

    public func ping() async throws {
        try await write(.ping, channel.allocator.buffer(capacity: 0))
    }

    /// Sends a close frame and waits, at most `wait`, for the server to end the connection.
    public func close(code: WebSocketErrorCode = .normalClosure, wait: Duration = .seconds(2)) async {
        var data = channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        try? await write(.connectionClose, data)
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000))) {
            self.channel.close(promise: nil)
        }
        try? await channel.closeFuture.get()
        timer.cancel()
    }

    /// Ends the connection at once, without the closing handshake (a dead link).
    public func abort() async {
        try? await channel.close()
    }

    /// Waits until the connection has ended.
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }

    /// The close code the server sent, once it has (nil: none, or still open).
    public var closeCode: UInt16? { ending.code }

    public var isOpen: Bool { channel.isActive }

    /// How long since the server last sent anything (a message, a pong, a ping).
    public var silence: Duration { ContinuousClock.now - ending.lastHeard }

    private func write(_ opcode: WebSocketOpcode, _ data: ByteBuffer) async throws {
        guard channel.isActive else { throw Failure("the connection is closed") }
        let frame = WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
        try await channel.writeAndFlush(frame)
    }
}
