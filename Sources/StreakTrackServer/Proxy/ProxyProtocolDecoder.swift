#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// PROXY protocol version 2 (HAProxy's `send-proxy-v2`), read at the start of a
/// connection from a trusted balancer: the client's address, and (with
/// `send-proxy-v2-ssl`) whether the client reached the balancer over TLS. Chosen
/// over `X-Forwarded-For` because it names the client once per connection, before
/// any byte of HTTP: the per-address connection cap can count the real client, and
/// a WebSocket needs nothing else. A connection without the header (an
/// administrator's curl on the balancer's machine) is taken as the balancer's own.
final class ProxyProtocolDecoder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Header: Equatable {
        /// The balancer speaks for a client.
        case proxied(address: String, viaTLS: Bool)
        /// The balancer speaks for itself (a health check: LOCAL), or names no
        /// IP client (a UNIX socket).
        case local
        /// No PROXY header at all: the bytes are the peer's own request.
        case absent
    }

    enum Malformed: Error, Equatable {
        case version(UInt8)
        case command(UInt8)
        case tooLong(Int)
        case addressesTooShort
        case tlvOverrun
    }

    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// Addresses and a few TLVs fit easily; HAProxy's own limit is far larger, but
    /// nothing this server reads needs more.
    static let maxLength = 2048
    private static let tlvSSL: UInt8 = 0x20
    private static let clientSSL: UInt8 = 0x01

    private var buffered: ByteBuffer?
    private var done = false
    /// Told what the header said; false closes the connection (over a limit).
    private let onHeader: (Header) -> Bool

    init(onHeader: @escaping (Header) -> Bool) {
        self.onHeader = onHeader
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        var incoming = unwrapInboundIn(data)
        if buffered == nil { buffered = incoming } else { buffered!.writeBuffer(&incoming) }
        let header: Header, used: Int
        do {
            guard let parsed = try Self.parse(buffered!) else { return }
            (header, used) = parsed
        } catch {
            done = true
            buffered = nil
            context.close(promise: nil)
            return
        }
        done = true
        guard onHeader(header) else {
            buffered = nil
            context.close(promise: nil)
            return
        }
        var rest = buffered!
        buffered = nil
        rest.moveReaderIndex(forwardBy: used)
        if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// What a connection's first bytes say, and how many of them the header took;
    /// nil while more bytes are needed to tell.
    static func parse(_ buffer: ByteBuffer) throws -> (Header, consumed: Int)? {
        let available = buffer.readableBytesView
        let start = available.startIndex
        for (offset, expected) in signature.enumerated() {
            guard offset < available.count else { return nil }
            if available[start + offset] != expected { return (.absent, 0) }
        }
        guard available.count >= 16 else { return nil }
        let versionAndCommand = available[start + 12], family = available[start + 13]
        let length = Int(available[start + 14]) << 8 | Int(available[start + 15])
        guard versionAndCommand >> 4 == 2 else { throw Malformed.version(versionAndCommand >> 4) }
        guard length <= maxLength else { throw Malformed.tooLong(length) }
        guard available.count >= 16 + length else { return nil }
        let body = Array(available[(start + 16)..<(start + 16 + length)])
        switch versionAndCommand & 0x0F {
        case 0: return (.local, 16 + length)
        case 1: break
        case let other: throw Malformed.command(other)
        }
        let addressLength: Int, address: String?
        switch family >> 4 {
        case 1:
            addressLength = 12
            guard body.count >= addressLength else { throw Malformed.addressesTooShort }
            address = text(Array(body[0..<4]), family: AF_INET)
        case 2:
            addressLength = 36
            guard body.count >= addressLength else { throw Malformed.addressesTooShort }
            address = text(Array(body[0..<16]), family: AF_INET6)
        default:
            return (.local, 16 + length)
        }
        var viaTLS = false
        var offset = addressLength
        while offset < body.count {
            guard offset + 3 <= body.count else { throw Malformed.tlvOverrun }
            let type = body[offset], valueLength = Int(body[offset + 1]) << 8 | Int(body[offset + 2])
            guard offset + 3 + valueLength <= body.count else { throw Malformed.tlvOverrun }
            if type == tlvSSL, valueLength >= 1 { viaTLS = body[offset + 3] & clientSSL != 0 }
            offset += 3 + valueLength
        }
        guard let address else { return (.local, 16 + length) }
        return (.proxied(address: address, viaTLS: viaTLS), 16 + length)
    }

    private static func text(_ bytes: [UInt8], family: Int32) -> String? {
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        return bytes.withUnsafeBytes { raw in
            guard inet_ntop(family, raw.baseAddress, &output, socklen_t(output.count)) != nil else { return nil }
            return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
