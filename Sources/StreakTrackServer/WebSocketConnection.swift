import HummingbirdWebSocket
import Logging
import NIOWebSocket
import StreakTrackProtocol

/// The two halves of one WebSocket, with an outbox drained by its own task so
/// that reading never waits on a slow writer.
struct WebSocketConnection: Sendable {
    let inbound: WebSocketInboundStream
    let outbound: WebSocketOutboundWriter
    let maxMessageBytes: Int

    /// The original backend's way of turning a peer away: an error, then a close code.
    func refuse(_ message: String, code: UInt16) async throws {
        try await outbound.write(.text(ServerMessage.error(message).text))
        try await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: nil)
    }

    /// Runs `readLoop` over incoming text messages while `outbox` is written out.
    func serve(_ outbox: Outbox, logger: Logger, onText: @Sendable (String) async -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in outbox.messages {
                    switch item {
                    case .text(let text), .frame(let text): try await outbound.write(.text(text))
                    }
                    outbox.written(item)
                }
                if outbox.overflowed {
                    logger.warning("closing a connection whose reader fell \(Outbox.maxQueued) messages behind")
                    try await outbound.close(.policyViolation, reason: "too slow")
                }
            }
            do {
                for try await message in inbound.messages(maxSize: maxMessageBytes) {
                    switch message {
                    case .text(let text): await onText(text)
                    case .binary: logger.info("ignoring a binary WebSocket message: the protocol is JSON text")
                    }
                }
            } catch {
                logger.info("WebSocket read ended: \(error)")
            }
            outbox.finish()
            try await group.waitForAll()
        }
    }
}
