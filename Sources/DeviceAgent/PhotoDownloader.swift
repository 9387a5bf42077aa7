import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// Fetches roster photos over HTTP(S), with a time-out and a size limit.
public protocol PhotoDownloader: Sendable {
    func fetch(_ url: String) async throws -> [UInt8]
}

/// Photos over HTTP(S) with AsyncHTTPClient: redirects followed (a CDN), a
/// time-out for the whole download, a body cut off at `maxBytes` instead of
/// read into memory, and the same trust as the backend link (`caFile`).
public struct HTTPPhotoDownloader: PhotoDownloader {
    public let timeout: TimeInterval
    public let maxBytes: Int
    private let tls: TLSConfiguration

    public init(timeout: TimeInterval = 20, maxBytes: Int = 15 << 20, tls: TLSConfiguration = .makeClientConfiguration()) {
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.tls = tls
    }

    public func fetch(_ url: String) async throws -> [UInt8] {
        guard let address = URL(string: url), ["http", "https"].contains(address.scheme?.lowercased() ?? ""), address.host != nil else {
            throw AgentError("not an http(s) URL")
        }
        var request = HTTPClientRequest(url: url)
        request.tlsConfiguration = tls
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch {
            throw AgentError("download failed: \(error)")
        }
        guard (200..<300).contains(response.status.code) else { throw AgentError("the server answered \(response.status.code)") }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maxBytes {
            throw AgentError("the photo is \(length) bytes, more than \(maxBytes)")
        }
        do {
            let body = try await response.body.collect(upTo: maxBytes)
            return Array(buffer: body)
        } catch is NIOTooManyBytesError {
            throw AgentError("the photo is more than \(maxBytes) bytes")
        } catch {
            throw AgentError("download failed: \(error)")
        }
    }
}
