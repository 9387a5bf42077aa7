import BackendStore
import Logging
import StreakTrackProtocol

/// One dashboard connection (`isHardware=false`): it receives what its device
/// sends, and its `start_stream`/`stop_stream` (and anything else) reach the device.
struct DashboardSession: Sendable {
    let parameters: ConnectionParameters
    let token: String?
    let wantsStatus: Bool
    let connection: WebSocketConnection
    let services: ServerServices
    let logger: Logger

    func run() async throws {
        do {
            // Dashboards were open in the original; with device authentication on, they need the admin token.
            if try await services.stores.settings.deviceAuthenticationRequired() {
                guard let token, try await services.stores.settings.isAdminToken(token) else {
                    logger.warning("refused a dashboard for \(parameters.deviceId): no valid admin token")
                    return try await connection.refuse("Unauthorized", code: 1008)
                }
            }
        } catch {
            services.metrics.storeErrors.increment()
            return try await connection.refuse("Error fetching data", code: 1011)
        }
        let outbox = Outbox()
        let link = LiveHub.DashboardLink(outbox: outbox, wantsStatus: wantsStatus)
        await services.hub.attach(dashboard: link, watching: parameters.deviceId)
        await services.updateConnectionGauges()
        if wantsStatus {
            let online = await services.hub.device(parameters.deviceId) != nil
            outbox.send(ServerMessage.deviceStatus(deviceId: parameters.deviceId, online: online).text)
        }
        try? await connection.serve(outbox, logger: logger) { text in await handle(text, outbox: outbox) }
        await services.hub.detach(dashboard: outbox, watching: parameters.deviceId)
        await services.updateConnectionGauges()
    }

    private func handle(_ text: String, outbox: Outbox) async {
        guard let object = services.parse(text, from: "dashboard of \(parameters.deviceId)", logger: logger) else { return }
        let type = object.string("type")
        // What only the server may tell a device: a roster (it would replace the device's
        // students) and acknowledgements (they take marks out of its outbox). The original
        // forwarded these from any browser; ours drops them.
        if object.has("students") || type == "ack" {
            logger.warning("dropped a dashboard message for \(parameters.deviceId) that only the server may send (\(type ?? "students"))")
            services.metrics.message("dashboard_refused")
            return
        }
        services.metrics.message("dashboard_" + (type == "start_stream" || type == "stop_stream" ? type! : "other"))
        let target = (type == "start_stream" || type == "stop_stream") ? (object.string("targetDeviceId") ?? parameters.deviceId)
                                                                       : parameters.deviceId
        if let device = await services.hub.device(target) {
            device.outbox.send(text)
        } else if type == "start_stream" || type == "stop_stream" {
            outbox.send(ServerMessage.error("Device \(target) is offline or not connected.").text)
        }
    }
}
