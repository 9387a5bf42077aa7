import BackendStore
import Logging
import StreakTrackProtocol

/// One hardware connection, by the rules of PROTOCOL.md: refuse a second
/// connection of the same device, mark it online, send the roster, then store
/// and forward what it sends until it goes.
struct DeviceSession: Sendable {
    let parameters: ConnectionParameters
    let secret: String?
    let connection: WebSocketConnection
    let services: ServerServices
    let logger: Logger

    private var deviceId: String { parameters.deviceId }
    private var organizationId: String { parameters.organizationId.lowercased() }

    func run() async throws {
        let stores = services.stores
        do {
            let required = try await stores.settings.deviceAuthenticationRequired()
            let admission = try await stores.devices.admission(deviceId: deviceId, organizationId: organizationId, secret: secret,
                                                               authenticationRequired: required)
            if case .refused(let reason) = admission {
                logger.warning("refused device \(deviceId): \(reason)")
                return try await connection.refuse(reason, code: 1008)
            }
        } catch {
            services.metrics.storeErrors.increment()
            logger.error("cannot check device \(deviceId): \(error)")
            return try await connection.refuse("Error fetching data", code: 1011)
        }

        let outbox = Outbox()
        let version = (try? await stores.roster.rosterVersions()[organizationId]) ?? 0
        let link = LiveHub.DeviceLink(organizationId: organizationId, outbox: outbox,
                                      acknowledgements: parameters.acknowledgements, rosterVersion: version)
        guard await services.hub.attach(device: deviceId, link) else {
            logger.warning("refused a second connection of device \(deviceId)")
            return try await connection.refuse("Device \(deviceId) is already connected.", code: 1003)
        }
        await services.updateConnectionGauges()
        logger.info("device \(deviceId) connected (organization \(organizationId), acknowledgements \(parameters.acknowledgements))")
        await announce(online: true)
        do {
            try await stores.devices.markOnline(deviceId, organizationId: organizationId)
        } catch {
            services.metrics.storeErrors.increment()
            logger.error("cannot mark device \(deviceId) online: \(error)")
        }
        await sendRoster(to: outbox)

        try? await connection.serve(outbox, logger: logger) { text in await handle(text, outbox: outbox) }

        await services.hub.detach(device: deviceId, outbox: outbox)
        await services.updateConnectionGauges()
        do {
            try await stores.devices.markOffline(deviceId)
        } catch {
            services.metrics.storeErrors.increment()
            logger.error("cannot mark device \(deviceId) offline: \(error)")
        }
        await announce(online: false)
        logger.info("device \(deviceId) disconnected")
    }

    private func sendRoster(to outbox: Outbox) async {
        guard ObjectID.isValid(organizationId) else {
            outbox.send(ServerMessage.error("Invalid organizationId").text)
            return
        }
        do {
            let roster = try await services.stores.roster.roster(organizationId: organizationId, photoURL: services.photoURL)
            outbox.send(ServerMessage.roster(roster).text)
        } catch {
            services.metrics.storeErrors.increment()
            logger.error("cannot read the roster of \(organizationId): \(error)")
            outbox.send(ServerMessage.error("Error fetching data").text)
        }
    }

    private func handle(_ text: String, outbox: Outbox) async {
        let start = ContinuousClock.now
        guard let object = services.parse(text, from: "device \(deviceId)", logger: logger) else { return }
        let kind: String
        switch DeviceMessage.read(object) {
        case .message(.attendance(let sighting, let eventId)):
            kind = "attendance"
            await record(sighting, eventId: eventId, originalText: text, outbox: outbox)
        case .message(.detected):
            kind = "detected"
            await forward(text, frame: false)
        case .message(.liveStream):
            kind = "live_stream"
            await forward(text, frame: true)
        case .invalid(let type, let reason):
            kind = "invalid"
            logger.warning("device \(deviceId) sent an unusable \(type) message (\(reason)); ignored")
        case .unknownType(let type):
            kind = "unknown"
            logger.info("device \(deviceId) sent a message of unknown type \(type ?? "(none)"); ignored")
        }
        services.metrics.message(kind)
        services.metrics.webSocketLatency(ContinuousClock.now - start, kind: kind)
    }

    private func record(_ sighting: Sighting, eventId: String?, originalText: String, outbox: Outbox) async {
        let result: AttendanceStore.Result
        do {
            result = try await services.stores.attendance.record(sighting, organizationId: organizationId, deviceId: deviceId,
                                                                  eventId: eventId)
        } catch {
            // No acknowledgement: a device that asked for them sends the event again.
            services.metrics.storeErrors.increment()
            logger.error("cannot store attendance of \(sighting.studentId) from \(deviceId): \(error)")
            return
        }
        services.metrics.mark(result.repeatedEvent ? "repeated_event" : result.outcome.rawValue)
        if result.outcome == .unknownStudent || result.outcome == .invalidTimestamp {
            logger.warning("attendance from \(deviceId) not stored: \(result.outcome.rawValue) (student \(sighting.studentId), \(sighting.timestamp))")
        }
        if parameters.acknowledgements, services.configuration.acknowledgements, let eventId {
            let status: AcknowledgementStatus = switch result.outcome {
            case .stored: result.repeatedEvent ? .duplicate : .stored
            case .alreadyMarked: .duplicate
            case .unknownStudent, .invalidTimestamp: .rejected
            }
            outbox.send(ServerMessage.acknowledgement(eventId: eventId, status: status).text)
        }
        // The original forwards every attendance message; a resent event is the same event.
        if !result.repeatedEvent { await forward(originalText, frame: false) }
    }

    /// To every dashboard watching this device, unchanged.
    private func forward(_ text: String, frame: Bool) async {
        for dashboard in await services.hub.dashboards(watching: deviceId) {
            if frame {
                if !dashboard.outbox.sendFrame(text) { services.metrics.droppedFrames.increment() }
            } else {
                dashboard.outbox.send(text)
            }
        }
    }

    private func announce(online: Bool) async {
        let text = ServerMessage.deviceStatus(deviceId: deviceId, online: online).text
        for dashboard in await services.hub.dashboards(watching: deviceId) where dashboard.wantsStatus {
            dashboard.outbox.send(text)
        }
    }
}
