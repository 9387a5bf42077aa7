import Foundation
import Synchronization
import WebSocketLink

/// A real WebSocket client for tests: connects, sends text, and collects what
/// arrives, with time-outs so a missing message fails a test instead of hanging it.
public final class TestSocket: Sendable {
    public struct TimedOut: Error, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    private final class Inbox: Sendable {
        let state = Mutex((received: [String](), ended: false))
    }

    private let link: WebSocketLink
    private let inbox = Inbox()
    private let reader: Task<Void, Never>

    /// Connects to `url` (ws://...), sending `headers` with the upgrade request.
    public static func connect(_ url: String, headers: [String: String] = [:], timeout: Duration = .seconds(30)) async throws -> TestSocket {
        let link = try await WebSocketLink.connect(to: URL(string: url)!, headers: headers.map { ($0.key, $0.value) }, timeout: timeout)
        return TestSocket(link: link)
    }

    private init(link: WebSocketLink) {
        self.link = link
        let inbox = self.inbox
        reader = Task {
            for await message in link.messages {
                if case .text(let text) = message { inbox.state.withLock { $0.received.append(text) } }
            }
            inbox.state.withLock { $0.ended = true }
        }
    }

    public func send(_ text: String) async throws {
        try await link.send(text: text)
    }

    /// The next message, waiting up to `timeout`; nil when the connection ended first.
    /// (The default wait is long: on two busy cores a whole suite runs at once, and a
    /// wait is not a timing requirement.)
    public func next(timeout: Duration = .seconds(30)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (message, ended): (String?, Bool) = inbox.state.withLock {
                $0.received.isEmpty ? (nil, $0.ended) : ($0.received.removeFirst(), false)
            }
            if let message { return message }
            if ended { return nil }
            guard ContinuousClock.now < deadline else { throw TimedOut(description: "no message within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The next message whose text contains `fragment`, skipping others.
    public func next(containing fragment: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let message = try await next(timeout: max(.milliseconds(1), deadline - ContinuousClock.now)) else {
                throw TimedOut(description: "the connection ended without a message containing \(fragment)")
            }
            if message.contains(fragment) { return message }
        }
    }

    /// Messages received and not yet read.
    public var pending: [String] { inbox.state.withLock { $0.received } }

    /// The close code the server ended the connection with, waiting up to `timeout` for the end.
    public func closeCode(timeout: Duration = .seconds(30)) async throws -> UInt16? {
        let deadline = ContinuousClock.now + timeout
        while link.isOpen {
            guard ContinuousClock.now < deadline else { throw TimedOut(description: "still open after \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
        return link.closeCode
    }

    public var isOpen: Bool { link.isOpen }

    public func close() async {
        await link.close()
        await reader.value
    }
}
