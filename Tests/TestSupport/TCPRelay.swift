import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on loopback in front of a real server (PostgreSQL), which a test
/// can cut — every connection dropped, new ones refused — and restore on the
/// same port: an outage without stopping the server other tests share.
public final class TCPRelay: @unchecked Sendable {
    public let port: Int
    private let targetPort: Int
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var open: Set<Int32> = []

    public init(toPort targetPort: Int) throws {
        self.targetPort = targetPort
        let (fd, port) = try Self.listen(port: 0)
        self.port = port
        listener = fd
        startAccepting(fd)
    }

    /// Drops every relayed connection and refuses new ones.
    public func cut() {
        lock.withLock {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
            listener = -1
            for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// Accepts connections again, on the same port.
    public func restore() throws {
        let (fd, _) = try Self.listen(port: port)
        lock.withLock { listener = fd }
        startAccepting(fd)
    }

    private static func listen(port: Int) throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = socketAddress(port: port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && Glibc.listen(fd, 64) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw TestSocket.TimedOut(description: "relay cannot listen on port \(port): errno \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    private func startAccepting(_ listener: Int32) {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }  // cut
                let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = socketAddress(port: targetPort)
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
                }
                guard connected else {
                    close(client)
                    close(upstream)
                    continue
                }
                lock.withLock { open.formUnion([client, upstream]) }
                pump(from: client, to: upstream)
                pump(from: upstream, to: client)
            }
        }
    }

    /// Copies bytes one way until either side ends, then ends both.
    private func pump(from source: Int32, to target: Int32) {
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(source, &buffer, buffer.count)
                guard count > 0, buffer.withUnsafeBytes({ write(target, $0.baseAddress, count) }) == count else { break }
            }
            lock.withLock {
                shutdown(source, Int32(SHUT_RDWR))
                shutdown(target, Int32(SHUT_RDWR))
                // The second pump of the pair closes both.
                if open.remove(source) == nil { close(source); close(target) } else { open.remove(target) }
            }
        }
    }
}
