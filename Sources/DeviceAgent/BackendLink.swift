import Foundation
import StreakTrackProtocol
import WebSocketLink

/// The device's connection to its backend: connects (and reconnects with
/// exponential back-off and jitter), notices a dead link by pinging, delivers
/// the ledger's outbox in order, and reports what the server says.
///
/// Delivery: the link asks for acknowledgements (`ack=1`). A backend that
/// acknowledges has each event removed from the outbox only when acknowledged;
/// one that never does (the original) has it removed once written to an open
/// connection, which is all that backend allows.
public actor BackendLink {
    public enum Event: Sendable, Equatable {
        case connecting(attempt: Int)
        case connected
        case disconnected(reason: String, retryIn: Duration)
        case roster(Roster, rejected: [String])
        case serverError(String)
        case startStream
        case stopStream
        /// An event left the outbox: acknowledged, or written to an old backend.
        case delivered(eventId: String)
    }

    public struct Timing: Sendable {
        public var firstRetry: Duration = .seconds(1)
        public var maxRetry: Duration = .seconds(60)
        public var pingInterval: Duration = .seconds(15)
        /// Silence after which the link is taken for dead.
        public var deadAfter: Duration = .seconds(45)
        /// How long to wait for a first acknowledgement before taking the backend for an old one.
        public var acknowledgementWait: Duration = .seconds(5)
        public init() {}
    }

    private enum AcknowledgementSupport { case unknown, supported, unsupported }

    private let configuration: AgentConfiguration
    private let ledger: AttendanceLedger
    private let timing: Timing
    private let report: @Sendable (Event) async -> Void
    private var link: WebSocketLink?
    private var acknowledgements = AcknowledgementSupport.unknown
    private var inFlight: Set<String> = []

    public init(configuration: AgentConfiguration, ledger: AttendanceLedger, timing: Timing = Timing(),
                report: @escaping @Sendable (Event) async -> Void) {
        self.configuration = configuration
        self.ledger = ledger
        self.timing = timing
        self.report = report
    }

    public var isConnected: Bool { link?.isOpen == true }

    /// Connects and reconnects until the task is cancelled.
    public func run() async {
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            await report(.connecting(attempt: attempt))
            let reason: String
            do {
                let headers = configuration.deviceSecret.map { [(ConnectionParameters.secretHeader, $0)] } ?? []
                let connection = try await WebSocketLink.connect(to: configuration.socketURL(acknowledgements: true), headers: headers,
                                                                 tls: configuration.tls, timeout: .seconds(10))
                attempt = 0
                reason = await serve(connection)
            } catch {
                reason = "\(error)"
            }
            guard !Task.isCancelled else { break }
            let delay = retryDelay(attempt: max(attempt, 1))
            await report(.disconnected(reason: reason, retryIn: delay))
            try? await Task.sleep(for: delay)
        }
        await link?.close()
        link = nil
    }

    /// Sends a message that need not survive a lost link (`detected`, `live_stream`).
    @discardableResult
    public func send(_ message: DeviceMessage) async -> Bool {
        guard let link, link.isOpen else { return false }
        return (try? await link.send(text: message.text)) != nil
    }

    /// Delivers whatever the outbox holds, oldest first; call after each new mark.
    public func deliverPending() async {
        guard let link, link.isOpen else { return }
        let pending: [AttendanceLedger.Event]
        do { pending = try await ledger.pending() } catch { return }
        for event in pending where !inFlight.contains(event.eventId) {
            guard (try? await link.send(text: event.message.text)) != nil else { return }
            switch acknowledgements {
            case .unsupported:
                try? await ledger.delivered(event.eventId)
                await report(.delivered(eventId: event.eventId))
            case .supported, .unknown:
                inFlight.insert(event.eventId)
            }
        }
        if acknowledgements == .unknown, !inFlight.isEmpty { scheduleAcknowledgementCheck(for: link) }
    }

    private func serve(_ connection: WebSocketLink) async -> String {
        link = connection
        inFlight = []
        acknowledgements = .unknown  // found out again on every connection: the server may have changed
        await report(.connected)
        await deliverPending()
        let pinger = Task { [timing] in
            while !Task.isCancelled, connection.isOpen {
                try? await Task.sleep(for: timing.pingInterval)
                if connection.silence > timing.deadAfter {
                    await connection.abort()
                    return
                }
                try? await connection.ping()
            }
        }
        for await message in connection.messages {
            guard case .text(let text) = message else { continue }
            await handle(text)
        }
        pinger.cancel()
        link = nil
        inFlight = []
        if let code = connection.closeCode { return "the server closed the connection (code \(code))" }
        return connection.silence > timing.deadAfter ? "no answer from the server for \(timing.deadAfter)" : "the connection was lost"
    }

    private func handle(_ text: String) async {
        guard let object = try? JSONObject(parsing: text) else { return }
        switch ServerMessage.read(object) {
        case .message(.roster(let roster)): await report(.roster(roster, rejected: []))
        case .partialRoster(let roster, let rejected): await report(.roster(roster, rejected: rejected))
        case .message(.error(let message)): await report(.serverError(message))
        case .message(.startStream): await report(.startStream)
        case .message(.stopStream): await report(.stopStream)
        case .message(.acknowledgement(let eventId, _)):
            acknowledgements = .supported
            inFlight.remove(eventId)
            try? await ledger.delivered(eventId)
            await report(.delivered(eventId: eventId))
        case .message(.deviceStatus), .message(.deviceElsewhere), .unknown: break
        }
    }

    /// No acknowledgement at all within the wait: an original backend, which
    /// never sends one. What was written to it counts as delivered.
    private func scheduleAcknowledgementCheck(for connection: WebSocketLink) {
        Task { [timing] in
            try? await Task.sleep(for: timing.acknowledgementWait)
            await self.concludeAcknowledgements(on: connection)
        }
    }

    private func concludeAcknowledgements(on connection: WebSocketLink) async {
        guard acknowledgements == .unknown, link === connection, connection.isOpen else { return }
        acknowledgements = .unsupported
        for eventId in inFlight {
            try? await ledger.delivered(eventId)
            await report(.delivered(eventId: eventId))
        }
        inFlight = []
    }

    /// Exponential back-off with full jitter, so a classroom of devices does not
    /// reconnect in step after a server restart.
    func retryDelay(attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 16)
        let ceiling = min(timing.maxRetry, timing.firstRetry * (1 << exponent))
        let fraction = Double.random(in: 0.5...1.0)
        return ceiling * fraction
    }
}
