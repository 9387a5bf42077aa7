import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP connection, for what polite clients never do: stop halfway
/// through a request, never read, or come from another loopback address
/// (127.0.0.2 is this machine too, but counts as another client).
///
/// Every wait for the server is async and blocks a thread of its own: the
/// servers under test answer on Swift's cooperative threads (two on this
/// machine), and two tests blocking them in `poll` left every server in the
/// process silent until both gave up.
public final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Connects to 127.0.0.1:`port` from `source`; `receiveBuffer` shrinks the
    /// kernel's buffer, so a reader that never reads is found out sooner.
    public init(port: Int, source: String = "127.0.0.1", receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = socketAddress(port: port)
        let connected = withUnsafePointer(to: &local) { localPointer in
            withUnsafePointer(to: &remote) { remotePointer in
                localPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { l in
                    remotePointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { r in
                        bind(fd, l, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                            && connect(fd, r, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                    }
                }
            }
        }
        guard connected else {
            let error = errno
            close(fd)
            throw Failure(description: "cannot connect from \(source) to port \(port): errno \(error)")
        }
    }

    deinit { close(fd) }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: errno \(errno)") }
            offset += sent
        }
    }

    /// What arrives within `timeout`: bytes, an empty array when the peer has
    /// closed, nil when nothing came.
    public func receive(timeout: Duration) async -> [UInt8]? {
        await offCooperativePool { self.receiveBlocking(timeout: timeout) }
    }

    /// Reads everything until the peer closes; false if it still has not after `timeout`.
    public func drainUntilClosed(timeout: Duration) async -> Bool {
        await offCooperativePool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let bytes = self.receiveBlocking(timeout: .milliseconds(100)), bytes.isEmpty { return true }
            }
            return false
        }
    }

    /// The whole HTTP answer to `request` (read until the peer closes or goes quiet).
    public func exchange(_ request: String, timeout: Duration = .seconds(30)) async throws -> String {
        try send(request)
        return await offCooperativePool {
            var reply: [UInt8] = []
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                guard let bytes = self.receiveBlocking(timeout: .milliseconds(300)) else {
                    if !reply.isEmpty { break }
                    continue
                }
                if bytes.isEmpty { break }
                reply += bytes
            }
            return String(decoding: reply, as: UTF8.self)
        }
    }

    /// Sends a WebSocket upgrade request and reads the server's answer to it.
    public func upgrade(path: String, headers: [String: String] = [:]) async throws -> String {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        try send(request + "\r\n")
        guard let answer = await receive(timeout: .seconds(30)) else { throw Failure(description: "no answer to the upgrade") }
        return String(decoding: answer, as: UTF8.self)
    }

    private func receiveBlocking(timeout: Duration) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count <= 0 ? [] : Array(buffer.prefix(count))
    }
}
