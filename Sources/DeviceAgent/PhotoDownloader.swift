import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches roster photos over HTTP(S), with a time-out and a size limit.
public protocol PhotoDownloader: Sendable {
    func fetch(_ url: String) async throws -> [UInt8]
}

public struct HTTPPhotoDownloader: PhotoDownloader {
    public let timeout: TimeInterval
    public let maxBytes: Int
    private let session: URLSession

    public init(timeout: TimeInterval = 20, maxBytes: Int = 15 << 20) {
        self.timeout = timeout
        self.maxBytes = maxBytes
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 3
        session = URLSession(configuration: configuration)
    }

    public func fetch(_ url: String) async throws -> [UInt8] {
        guard let address = URL(string: url), ["http", "https"].contains(address.scheme?.lowercased() ?? "") else {
            throw AgentError("not an http(s) URL")
        }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(from: address)
        } catch {
            throw AgentError("download failed: \((error as NSError).localizedDescription)")
        }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw AgentError("the server answered \(http.statusCode)")
        }
        guard data.count <= maxBytes else { throw AgentError("the photo is \(data.count) bytes, more than \(maxBytes)") }
        return Array(data)
    }
}
