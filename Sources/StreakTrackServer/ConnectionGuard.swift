import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Open connections, per address and in all. One laptop must not take every
/// descriptor the server has (then nobody, devices included, gets in).
final class ConnectionCounter: Sendable {
    let maxPerAddress: Int
    let maxTotal: Int
    private let state = Mutex((total: 0, byAddress: [String: Int]()))

    init(maxPerAddress: Int, maxTotal: Int) {
        self.maxPerAddress = maxPerAddress
        self.maxTotal = maxTotal
    }

    /// Counts a new connection from `address`, or refuses it (false) when over a limit.
    func admit(_ address: String) -> Bool {
        state.withLock { state in
            let fromAddress = state.byAddress[address, default: 0]
            guard state.total < maxTotal, maxPerAddress == 0 || fromAddress < maxPerAddress else { return false }
            state.total += 1
            state.byAddress[address] = fromAddress + 1
            return true
        }
    }

    func release(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }

    var open: Int { state.withLock { $0.total } }
}

/// The server's connections, each counted before anything else runs on it,
/// each given `headDeadline` to send its first request head (later ones are
/// Hummingbird's idle time-out's), and each answering a head the HTTP decoder
/// refused (too large, malformed) with a status instead of going silent. A
/// connection from a trusted balancer is counted under the client its PROXY
/// header names, once that header has arrived.
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    struct Refused: Error {}

    let base: Base
    let counter: ConnectionCounter
    let headDeadline: TimeAmount
    /// Balancers whose PROXY headers are believed.
    let trustedProxies: [AddressRange]
    /// Whether this server itself speaks TLS.
    let ownTLS: Bool
    let onRefused: @Sendable (String) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let peer = channel.remoteAddress?.ipAddress ?? "unknown"
        let fromBalancer = trustedProxies.contains { $0.contains(peer) }
        if !fromBalancer {
            guard admit(ClientEndpoint(address: peer, viaTLS: ownTLS), on: channel) else {
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(Refused())
            }
        }
        let (ownTLS, admit) = (ownTLS, admit)
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            if fromBalancer {
                // First in the pipeline: the header comes before TLS and HTTP.
                try pipeline.addHandler(ProxyProtocolDecoder { header in
                    let client: ClientEndpoint = switch header {
                    case .proxied(let address, let viaTLS): ClientEndpoint(address: address, viaTLS: viaTLS || ownTLS)
                    case .local, .absent: ClientEndpoint(address: peer, viaTLS: ownTLS)
                    }
                    return admit(client, channel)
                }, position: .first)
            }
            if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try pipeline.addHandler(HTTPParserErrorResponder(), position: .after(decoder))
                try pipeline.addHandler(FirstRequestDeadline(headDeadline), position: .after(decoder))
            }
            return value
        }
    }

    /// Counts the connection under its client, or refuses it (false) over a limit.
    private func admit(_ client: ClientEndpoint, on channel: any Channel) -> Bool {
        guard counter.admit(client.address) else {
            onRefused(client.address)
            return false
        }
        ClientEndpoints.shared.set(client, for: channel)
        channel.closeFuture.whenComplete { _ in
            counter.release(client.address)
            ClientEndpoints.shared.remove(channel)
        }
        return true
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Answers a request the decoder could not read: 431 for a head over the size
/// limit, 400 for anything else, then closes (the stream is unreadable from there).
final class HTTPParserErrorResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var answered = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        guard !answered else { return }
        answered = true
        let tooLarge = parserError == .headerOverflow
        let body = ByteBuffer(string: tooLarge ? #"{"error":"the request line and headers are too large"}"#
                                               : #"{"error":"the request is not valid HTTP"}"#)
        let headers = HTTPHeaders([("Content-Type", "application/json; charset=utf-8"), ("Content-Length", String(body.readableBytes)),
                                   ("Connection", "close")])
        let head = HTTPResponseHead(version: .http1_1, status: tooLarge ? .requestHeaderFieldsTooLarge : .badRequest, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}

/// Closes a connection that has not sent a whole request head in time (a
/// half-sent request line, a TLS handshake never finished), then steps aside.
final class FirstRequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let deadline: TimeAmount
    private var timer: Scheduled<Void>?

    init(_ deadline: TimeAmount) { self.deadline = deadline }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: deadline) { bound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    /// The decoder passes nothing on before a whole head: the first read is one.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timer?.cancel()
        timer = nil
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
