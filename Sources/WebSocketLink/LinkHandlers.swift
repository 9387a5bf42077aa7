import Crypto
import Foundation
import NIOCore
import NIOWebSocket
import Synchronization

/// How the connection ended (the server's close code, if it sent one), and when
/// the server was last heard from, for noticing a dead link.
final class LinkEnding: Sendable {
    private let state = Mutex<(code: UInt16?, lastHeard: ContinuousClock.Instant)>((nil, .now))
    var code: UInt16? { state.withLock { $0.code } }
    var lastHeard: ContinuousClock.Instant { state.withLock { $0.lastHeard } }
    func record(_ code: UInt16) { state.withLock { if $0.code == nil { $0.code = code } } }
    func heard() { state.withLock { $0.lastHeard = .now } }
}

struct UpgradeRequest {
    let host: String
    let path: String
    let headers: [(String, String)]
    let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()

    var text: String {
        var lines = ["GET \(path) HTTP/1.1", "Host: \(host)", "Upgrade: websocket", "Connection: Upgrade",
                     "Sec-WebSocket-Key: \(key)", "Sec-WebSocket-Version: 13"]
        lines += headers.map { "\($0.0): \($0.1)" }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    var expectedAccept: String {
        let digest = Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Data(digest).base64EncodedString()
    }
}

/// Sends the upgrade request, checks the reply, then installs the frame codec
/// and passes on whatever bytes followed the reply.
final class HandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let request: UpgradeRequest
    private let maxMessageBytes: Int
    private let frames: FrameHandler
    private let upgraded: EventLoopPromise<Void>
    private var received: ByteBuffer?
    private var done = false

    init(request: UpgradeRequest, maxMessageBytes: Int, frames: FrameHandler, upgraded: EventLoopPromise<Void>) {
        self.request = request
        self.maxMessageBytes = maxMessageBytes
        self.frames = frames
        self.upgraded = upgraded
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: request.text)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        guard !done else { return context.fireChannelRead(data) }
        if received == nil { received = chunk } else { received!.writeBuffer(&chunk) }
        guard let buffer = received, let end = buffer.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8)) else {
            if received!.readableBytes > 64 << 10 { fail(context, "the handshake reply is too long") }
            return
        }
        let headLength = end.upperBound - buffer.readerIndex
        let head = String(decoding: buffer.readableBytesView.prefix(headLength), as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let status = lines.first ?? ""
        guard status.split(separator: " ").dropFirst().first == "101" else {
            let body = String(decoding: buffer.readableBytesView.dropFirst(headLength).prefix(200), as: UTF8.self)
            return fail(context, "the server refused the WebSocket upgrade: \(status) \(body)")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard fields["upgrade"]?.lowercased() == "websocket", fields["sec-websocket-accept"] == request.expectedAccept else {
            return fail(context, "the server's handshake reply is not a valid WebSocket upgrade")
        }
        done = true
        var rest = buffer
        rest.moveReaderIndex(forwardBy: headLength)
        received = nil
        do {
            let pipeline = context.pipeline.syncOperations
            try pipeline.addHandlers([
                ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxMessageBytes)),
                WebSocketFrameEncoder(),
                NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: 10_000,
                                            maxAccumulatedFrameSize: maxMessageBytes),
                frames,
            ], position: .after(self))
        } catch {
            return fail(context, "cannot set up the WebSocket pipeline: \(error)")
        }
        upgraded.succeed()
        if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !done { upgraded.fail(WebSocketLink.Failure("the server closed the connection during the handshake")) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done { fail(context, "\(error)") } else { context.fireErrorCaught(error) }
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        done = true
        upgraded.fail(WebSocketLink.Failure(message))
        context.close(promise: nil)
    }
}

/// Turns frames into messages, answers pings, and completes the closing handshake.
final class FrameHandler: ChannelInboundHandler, @unchecked Sendable {
    // Used only on its channel's event loop; Sendable so the bootstrap can capture it.
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let continuation: AsyncStream<WebSocketLink.Message>.Continuation
    private let ending: LinkEnding
    private var sentClose = false

    init(continuation: AsyncStream<WebSocketLink.Message>.Continuation, ending: LinkEnding) {
        self.continuation = continuation
        self.ending = ending
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        ending.heard()
        switch frame.opcode {
        case .text:
            continuation.yield(.text(String(buffer: frame.unmaskedData)))
        case .binary:
            continuation.yield(.binary(Array(buffer: frame.unmaskedData)))
        case .ping:
            reply(context, .pong, frame.unmaskedData)
        case .connectionClose:
            var data = frame.unmaskedData
            ending.record(data.readInteger(as: UInt16.self) ?? 1005)
            if !sentClose { reply(context, .connectionClose, frame.unmaskedData.getSlice(at: frame.unmaskedData.readerIndex, length: min(2, frame.unmaskedData.readableBytes)) ?? ByteBuffer()) }
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A frame too large or malformed: say so, as RFC 6455 asks, and end.
        let code: WebSocketErrorCode = (error as? NIOWebSocketError) == .invalidFrameLength ? .messageTooLarge : .protocolError
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        reply(context, .connectionClose, data)
        context.close(promise: nil)
    }

    private func reply(_ context: ChannelHandlerContext, _ opcode: WebSocketOpcode, _ data: ByteBuffer) {
        if opcode == .connectionClose {
            guard !sentClose else { return }
            sentClose = true
        }
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)), promise: nil)
    }
}
