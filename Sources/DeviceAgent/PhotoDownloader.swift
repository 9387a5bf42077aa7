import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import TimeLimit

/// Fetches roster photos over HTTP(S), with a time-out and a size limit.
public protocol PhotoDownloader: Sendable {
    func fetch(_ url: String) async throws -> [UInt8]
}

/// Photos over HTTP(S) with AsyncHTTPClient: one time limit for the whole
/// download, body included (a server sending a byte a second cannot hold a sync),
/// a body cut off at `maxBytes` instead of read into memory, redirects followed
/// only within the link's own origin (a roster cannot send the device to fetch
/// from anywhere on the network), and the same trust as the backend link (`caFile`).
public struct HTTPPhotoDownloader: PhotoDownloader {
    public let timeout: TimeInterval
    public let maxBytes: Int
    public static let maxRedirects = 5
    private let tls: TLSConfiguration

    /// Redirects are ours to judge, so the client never follows one by itself.
    private static let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                           configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    public init(timeout: TimeInterval = 20, maxBytes: Int = 15 << 20, tls: TLSConfiguration = Self.defaultTLS) {
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.tls = tls
    }

    /// The system's authorities, TLS 1.2 or newer.
    public static var defaultTLS: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    public func fetch(_ url: String) async throws -> [UInt8] {
        guard let start = URL(string: url), ["http", "https"].contains(start.scheme?.lowercased() ?? ""), start.host != nil else {
            throw AgentError("not an http(s) URL")
        }
        do {
            return try await withTimeLimit(.milliseconds(Int64(timeout * 1000))) { try await follow(start) }
        } catch is TimeLimitExceeded {
            throw AgentError("the download took longer than \(Int(timeout)) s")
        }
    }

    private func follow(_ start: URL) async throws -> [UInt8] {
        var address = start
        for _ in 0...Self.maxRedirects {
            var request = HTTPClientRequest(url: address.absoluteString)
            request.tlsConfiguration = tls
            let response: HTTPClientResponse
            do {
                response = try await Self.client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            } catch {
                throw AgentError("download failed: \(error)")
            }
            if (300..<400).contains(response.status.code), let location = response.headers.first(name: "location") {
                guard let next = URL(string: location, relativeTo: address)?.absoluteURL, Self.sameOrigin(next, start) else {
                    throw AgentError("the server redirected to another host (\(location)); not followed")
                }
                address = next
                continue
            }
            guard (200..<300).contains(response.status.code) else { throw AgentError("the server answered \(response.status.code)") }
            if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
                throw AgentError("the photo is \(length) bytes, more than \(maxBytes)")
            }
            do {
                return Array(buffer: try await response.body.collect(upTo: maxBytes))
            } catch is NIOTooManyBytesError {
                throw AgentError("the photo is more than \(maxBytes) bytes")
            } catch {
                throw AgentError("download failed: \(error)")
            }
        }
        throw AgentError("more than \(Self.maxRedirects) redirects")
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ url: URL) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }
}
