import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import ServiceLifecycle
import StreakTrackProtocol

/// The two halves of one WebSocket, with an outbox drained by its own task so
/// that reading never waits on a slow writer.
struct WebSocketConnection: Sendable {
    let inbound: WebSocketInboundStream
    let outbound: WebSocketOutboundWriter
    let channel: any Channel
    let maxMessageBytes: Int
    let maxQueuedBytes: Int

    /// Who is at the other end, for logs and per-address limits.
    /// The client's address (a trusted balancer's client, when it named one).
    var peer: String { ClientEndpoints.shared.endpoint(of: channel).address }

    /// The original backend's way of turning a peer away: an error, then a close code.
    func refuse(_ message: String, code: UInt16) async throws {
        try await outbound.write(.text(ServerMessage.error(message).text))
        try await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: nil)
    }

    /// An outbox whose overflow closes this connection.
    func makeOutbox() -> Outbox {
        let channel = channel
        return Outbox(maxQueuedBytes: maxQueuedBytes) { channel.close(promise: nil) }
    }

    /// Runs `onText` over incoming text messages while `outbox` is written out.
    func serve(_ outbox: Outbox, logger: Logger, onText: @Sendable (String) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for await item in outbox.messages {
                        switch item {
                        case .text(let text), .frame(let text): try await outbound.write(.text(text))
                        }
                        outbox.written(item)
                    }
                } catch {
                    logger.debug("stopped writing to \(peer): \(error)")
                }
                if outbox.overflowed {
                    logger.warning("closed the connection of \(peer): its reader fell \(outbox.maxQueuedBytes) bytes behind")
                }
            }
            // A stopping server (an upgrade, instance by instance) says goodbye at once, so that
            // devices and dashboards reconnect (through a balancer: to another instance) instead of
            // holding the stop up until they leave by themselves.
            await withGracefulShutdownHandler {
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
            } onGracefulShutdown: { [outbound, channel] in
                Task { try? await outbound.close(.goingAway, reason: "server stopping") }
                channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            }
            outbox.finish()
        }
    }
}
