import BackendStore
import Hummingbird
import Logging
import StreakTrackLogging
import StreakTrackProtocol

/// One dashboard connection (`isHardware=false`): it receives what its device
/// sends, and its `start_stream`/`stop_stream` (and anything else) reach the device.
/// Unlike the original, a dashboard needs a user: it sees a live camera and marks.
struct DashboardSession: Sendable {
    let parameters: ConnectionParameters
    let request: Request
    let wantsStatus: Bool
    let connection: WebSocketConnection
    let services: ServerServices
    let logger: Logger

    private var deviceId: String { parameters.deviceId }
    /// The door watched: the id within the organization the URL names (ids are unique per
    /// organization). Whether this person may watch it is still decided from the door.
    private var key: DeviceKey { DeviceKey(deviceId, of: parameters.organizationId) }

    func run() async throws {
        let principal: Principal
        do {
            // Someone signed in (the page's cookie), or the admin token.
            let token = WebSocketEndpoint.bearerToken(request)
            let found: Principal? = if let token {
                try await services.stores.settings.isAdminToken(token) ? .adminToken : nil
            } else {
                try await services.principal(for: request, checkingCSRF: false)
            }
            guard let found, try await services.mayWatch(key, principal: found) else {
                services.peerLog.warning(from: connection.peer, "refused a dashboard for \(deviceId) from \(connection.peer): not signed in, or not allowed to watch it")
                return try await connection.refuse("Unauthorized", code: 1008)
            }
            principal = found
        } catch {
            services.metrics.storeErrors.increment()
            return try await connection.refuse("Error fetching data", code: 1011)
        }
        // A teacher watching a door that serves other classes too sees only their students' marks.
        let studentIds: Set<String>?
        do {
            studentIds = try await services.operations.visibleStudentIds(principal)
        } catch {
            services.metrics.storeErrors.increment()
            return try await connection.refuse("Error fetching data", code: 1011)
        }
        let outbox = connection.makeOutbox()
        let link = LiveHub.DashboardLink(outbox: outbox, wantsStatus: wantsStatus, studentIds: studentIds)
        guard await services.hub.attach(dashboard: link, watching: key,
                                        limit: services.configuration.limits.maxDashboardsPerDevice) else {
            services.peerLog.warning(from: connection.peer, "refused a dashboard for \(deviceId) from \(connection.peer): too many watch it already")
            return try await connection.refuse("Too many dashboards watch \(deviceId)", code: 1008)
        }
        await services.updateConnectionGauges()
        if wantsStatus {
            var online = await services.hub.device(key) != nil
            if !online { online = await services.cluster.holder(of: key) != nil }
            outbox.send(ServerMessage.deviceStatus(deviceId: deviceId, online: online).text)
        }
        await connection.serve(outbox, logger: logger) { text in await handle(text, outbox: outbox, principal: principal) }
        await services.hub.detach(dashboard: outbox, watching: key)
        await services.updateConnectionGauges()
    }

    private func handle(_ text: String, outbox: Outbox, principal: Principal) async {
        // A dashboard sends commands, never camera frames.
        guard text.utf8.count <= services.configuration.limits.maxControlMessageBytes else {
            services.peerLog.warning(from: connection.peer, "dropped a \(text.utf8.count)-byte message from a dashboard of \(deviceId): too large")
            services.metrics.message("too_large")
            return
        }
        guard let object = services.parse(text, from: "dashboard of \(deviceId)", logger: logger) else { return }
        let type = object.string("type")
        // What only the server may tell a device: a roster (it would replace the device's
        // students) and acknowledgements (they take marks out of its outbox). The original
        // forwarded these from any browser; ours drops them.
        if object.has("students") || type == "ack" {
            services.peerLog.warning(from: connection.peer, "dropped a dashboard message for \(deviceId) that only the server may send (\((type ?? "students").cutForLog()))")
            services.metrics.message("dashboard_refused")
            return
        }
        let isStreamCommand = type == "start_stream" || type == "stop_stream"
        services.metrics.message("dashboard_" + (isStreamCommand ? type! : "other"))
        let target = isStreamCommand ? (object.string("targetDeviceId") ?? deviceId) : deviceId
        // Another door of the same organization; a camera is started only by someone allowed to watch it.
        let targetKey = DeviceKey(target, of: key.organizationId)
        if target != deviceId, !((try? await services.mayWatch(targetKey, principal: principal)) ?? false) {
            outbox.send(ServerMessage.error("Not allowed to watch \(target)").text)
            return
        }
        if let device = await services.hub.device(targetKey) {
            device.outbox.send(text)
        } else if let instance = await services.cluster.holder(of: targetKey),
                  // Sent here for that instance, the balancer could not reach it (down, its lease not stale yet).
                  request.uri.queryParameters.get("instance") != instance {
            // A camera is seen where the device is: the dashboard is told which instance that
            // is (a load balancer routes `instance=`); other messages reach the device from here.
            if !isStreamCommand {
                await services.cluster.publish(.command(deviceId: targetKey, text: text))
            } else if type == "start_stream" {
                outbox.send(wantsStatus ? ServerMessage.deviceElsewhere(deviceId: target, instance: instance).text
                                        : ServerMessage.error("Device \(target) is connected through instance \(instance); its camera is seen there.").text)
            }
        } else if isStreamCommand {
            outbox.send(ServerMessage.error("Device \(target) is offline or not connected.").text)
        }
    }
}
