import Foundation

/// One HTTP request on a bare connection: from any loopback address (127.0.0.2 is
/// another client to the server), and optionally behind a PROXY protocol v2 header,
/// as a balancer sends it. For what URLSession cannot do.
public enum RawHTTP {
    public struct Answer: Sendable, CustomStringConvertible {
        public let status: Int
        public let headers: [String: String]
        public let body: String
        public var description: String { "\(status) \(body)" }
    }

    public static func request(port: Int, from source: String = "127.0.0.1", proxyHeader: [UInt8]? = nil,
                               _ method: String, _ path: String, headers: [String: String] = [:], body: String = "") async throws -> Answer {
        let connection = try RawConnection(port: port, source: source)
        if let proxyHeader { try connection.send(proxyHeader) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let reply = try await connection.exchange(head + "\r\n" + body, timeout: .seconds(60))
        return parse(reply)
    }

    /// A JSON body, as the dashboard's page posts it.
    public static func post(port: Int, from source: String = "127.0.0.1", proxyHeader: [UInt8]? = nil, _ path: String,
                            json: [String: String], headers: [String: String] = [:]) async throws -> Answer {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
        return try await request(port: port, from: source, proxyHeader: proxyHeader, "POST", path,
                                 headers: ["Content-Type": "application/json"].merging(headers) { $1 }, body: body)
    }

    static func parse(_ reply: String) -> Answer {
        let parts = reply.components(separatedBy: "\r\n\r\n")
        let lines = parts[0].components(separatedBy: "\r\n")
        let status = lines.first.flatMap { $0.split(separator: " ").dropFirst().first }.flatMap { Int($0) } ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

/// PROXY protocol version 2 headers, as HAProxy's `send-proxy-v2(-ssl)` writes them.
public enum ProxyHeader {
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// PROXY, TCP over IPv4, from `client` to 127.0.0.1; `tls` adds the SSL TLV saying
    /// the client reached the balancer over TLS.
    public static func v2(client: String, port: UInt16 = 50_000, tls: Bool = false) -> [UInt8] {
        var body = ipv4(client) + [127, 0, 0, 1] + [UInt8(port >> 8), UInt8(port & 0xFF), 0x01, 0xBB]
        if tls { body += [0x20, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00] }  // PP2_TYPE_SSL: client SSL, verify 0
        return signature + [0x21, 0x11, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
    }

    /// LOCAL: the balancer speaking for itself (its health checks).
    public static var local: [UInt8] { signature + [0x20, 0x00, 0x00, 0x00] }

    static func ipv4(_ text: String) -> [UInt8] { text.split(separator: ".").compactMap { UInt8($0) } }
}
