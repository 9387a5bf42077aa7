import BackendStore
import Logging
import StreakTrackLogging
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
    /// This door as the server tells doors apart: its id within its organization.
    private var key: DeviceKey { DeviceKey(deviceId, of: organizationId) }

    func run() async throws {
        let stores = services.stores
        let admission: DeviceStore.Admission
        do {
            admission = try await stores.devices.admission(key, secret: secret, openDevices: services.configuration.openDevices)
        } catch {
            services.metrics.storeErrors.increment()
            logger.error("cannot check device \(deviceId): \(error)")
            return try await connection.refuse("Error fetching data", code: 1011)
        }
        if case .refused(let reason) = admission {
            services.peerLog.warning(from: connection.peer, "refused device \(deviceId) from \(connection.peer): \(reason)")
            return try await connection.refuse(reason, code: 1008)
        }
        let registered = admission == .registered

        let outbox = connection.makeOutbox()
        let version = (try? await stores.roster.rosterVersions()[organizationId]) ?? 0
        let channel = connection.channel
        let link = LiveHub.DeviceLink(organizationId: organizationId, outbox: outbox, acknowledgements: parameters.acknowledgements,
                                      registered: registered, close: { channel.close(promise: nil) }, rosterVersion: version)
        // Only the holder of the secret may push an old connection aside (here or on another
        // instance); an id without one keeps the original's rule.
        let provedItself = registered && secret != nil
        do {
            if case .heldElsewhere(let instance) = try await services.cluster.claim(device: key, force: provedItself) {
                services.peerLog.warning(from: connection.peer, "refused a second connection of device \(deviceId) from \(connection.peer): instance \(instance) holds it")
                return try await connection.refuse("Device \(deviceId) is already connected.", code: 1003)
            }
        } catch {
            services.metrics.storeErrors.increment()
            logger.error("cannot lease device \(deviceId): \(error)")
            return try await connection.refuse("Error fetching data", code: 1011)
        }
        guard await services.hub.attach(device: key, link, replacing: provedItself) else {
            services.peerLog.warning(from: connection.peer, "refused a second connection of device \(deviceId) from \(connection.peer)")
            return try await connection.refuse("Device \(deviceId) is already connected.", code: 1003)
        }
        await services.updateConnectionGauges()
        logger.info("device \(deviceId) connected from \(connection.peer) (organization \(organizationId), \(registered ? "registered" : "unregistered, open devices"), acknowledgements \(parameters.acknowledgements))")
        await announce(online: true)
        if registered { await record(online: true) }
        await sendRoster(to: outbox)

        await connection.serve(outbox, logger: logger) { text in await handle(text, outbox: outbox) }

        let replaced = !(await services.hub.detach(device: key, outbox: outbox))
        await services.updateConnectionGauges()
        guard !replaced else { return logger.info("device \(deviceId)'s old connection closed: it connected again") }
        guard await services.cluster.release(device: key) else {
            return logger.info("device \(deviceId)'s old connection closed: it connected again through another instance")
        }
        if registered { await record(online: false) }
        await announce(online: false)
        logger.info("device \(deviceId) disconnected")
    }

    private func record(online: Bool) async {
        do {
            if online {
                try await services.stores.devices.markOnline(key)
            } else {
                try await services.stores.devices.markOffline(key, unlessLeased: services.cluster.isShared)
            }
        } catch {
            services.metrics.storeErrors.increment()
            logger.error("cannot mark device \(deviceId) \(online ? "online" : "offline"): \(error)")
        }
    }

    private func sendRoster(to outbox: Outbox) async {
        guard ObjectID.isValid(organizationId) else {
            outbox.send(ServerMessage.error("Invalid organizationId").text)
            return
        }
        do {
            let served = try await services.stores.classes.studentIds(servedBy: key)
            let roster = try await services.stores.roster.roster(organizationId: organizationId, only: served) {
                services.photoURL($0, for: .device(deviceId))
            }
            outbox.send(ServerMessage.roster(roster.withDescriptors()).text)
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
        let reading = DeviceMessage.read(object)
        if case .message(.liveStream) = reading {} else if text.utf8.count > services.configuration.limits.maxControlMessageBytes {
            // Only camera frames may be large; anything else that is, is not a device talking.
            services.peerLog.warning(from: connection.peer, "device \(deviceId) sent a \(text.utf8.count)-byte \((object.string("type") ?? "untyped").cutForLog()) message; ignored")
            services.metrics.message("too_large")
            rejectIfAcknowledged(object, outbox: outbox)
            return
        }
        switch reading {
        case .message(.attendance(let sighting, let eventId)):
            kind = "attendance"
            await record(sighting, eventId: eventId, originalText: text, outbox: outbox)
        case .message(.detected(let sighting)):
            kind = "detected"
            await forwardSighting(sighting, type: "detected", originalText: text)
        case .message(.liveStream(let frame)):
            kind = "live_stream"
            // Forwarded as the protocol's two fields only: a frame cannot name another device.
            await sendFrame(object.members.count == 2 ? text : DeviceMessage.liveStream(frame: frame).text)
        case .invalid(let type, let reason):
            kind = "invalid"
            services.peerLog.warning(from: connection.peer, "device \(deviceId) sent an unusable \(type.cutForLog()) message (\(reason.cutForLog(200))); ignored")
            rejectIfAcknowledged(object, outbox: outbox)
        case .unknownType(let type):
            kind = "unknown"
            services.peerLog.info(from: connection.peer, "device \(deviceId) sent a message of unknown type \((type ?? "(none)").cutForLog()); ignored")
        }
        services.metrics.message(kind)
        services.metrics.webSocketLatency(ContinuousClock.now - start, kind: kind)
    }

    /// An attendance that can never be stored is answered `rejected` (when its
    /// event id is sound), so a device asking for acknowledgements stops resending it.
    private func rejectIfAcknowledged(_ object: JSONObject, outbox: Outbox) {
        guard parameters.acknowledgements, services.configuration.acknowledgements,
              let eventId = DeviceMessage.rejectableEventId(object) else { return }
        outbox.send(ServerMessage.acknowledgement(eventId: eventId, status: .rejected).text)
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
        let counts = result.outcome == .stored || result.outcome == .alreadyMarked
        if !counts {
            services.peerLog.warning(from: connection.peer, "attendance from \(deviceId) not stored: \(result.outcome.rawValue) (student \(sighting.studentId), \(sighting.timestamp))")
        }
        if parameters.acknowledgements, services.configuration.acknowledgements, let eventId {
            let status: AcknowledgementStatus = switch result.outcome {
            case .stored: result.repeatedEvent ? .duplicate : .stored
            case .alreadyMarked: .duplicate
            case .unknownStudent, .notServedHere, .invalidTimestamp: .rejected
            }
            outbox.send(ServerMessage.acknowledgement(eventId: eventId, status: status).text)
        }
        // The original forwards every attendance message; ours only those that count
        // (a resent event is the same event, a rejected one is nobody's mark).
        if counts && !result.repeatedEvent {
            await tellDashboards(sightingText(sighting, eventId: eventId, type: "attendance", originalText: originalText),
                                 about: sighting.studentId)
        }
    }

    /// A `detected` about a student of this organization goes to the dashboards; one about anybody else is forged.
    private func forwardSighting(_ sighting: Sighting, type: String, originalText: String) async {
        do {
            guard try await services.stores.roster.isStudent(sighting.studentId, of: organizationId) else {
                services.peerLog.warning(from: connection.peer, "device \(deviceId) sent a \(type) for \(sighting.studentId), who is not a student of \(organizationId); not forwarded")
                return
            }
        } catch {
            services.metrics.storeErrors.increment()
            return
        }
        await tellDashboards(sightingText(sighting, eventId: nil, type: type, originalText: originalText), about: sighting.studentId)
    }

    /// The message as sent when it names this device; otherwise rewritten under
    /// the socket's own id, so one device cannot speak for another.
    private func sightingText(_ sighting: Sighting, eventId: String?, type: String, originalText: String) -> String {
        var own = sighting
        own.deviceId = deviceId
        let message: DeviceMessage = type == "attendance" ? .attendance(own, eventId: eventId) : .detected(own)
        if sighting.deviceId == deviceId { return originalText }
        return message.text
    }

    /// A mark or a sighting, to every dashboard watching this device (that may see the
    /// student it is about), here and on the other instances.
    private func tellDashboards(_ text: String, about studentId: String) async {
        await services.hub.deliver(text, from: key, about: studentId)
        await services.cluster.publish(.sighting(deviceId: key, studentId: studentId, text: text))
    }

    /// A camera frame, to the dashboards on this instance only: frames never cross instances.
    private func sendFrame(_ text: String) async {
        for dashboard in await services.hub.dashboards(watching: key) where !dashboard.outbox.sendFrame(text) {
            services.metrics.droppedFrames.increment()
        }
    }

    private func announce(online: Bool) async {
        await services.hub.announce(deviceId: key, online: online)
        await services.cluster.publish(.status(deviceId: key, online: online))
    }
}
