import Foundation
import Hummingbird
import HummingbirdWebSocket
import HTTPTypes
import Logging
import StreakTrackProtocol

/// `/api/ws`: every request is upgraded (the original answers even a bad query
/// over the socket), then the query decides between a device and a dashboard.
struct WebSocketEndpoint: Sendable {
    let services: ServerServices

    func register(on router: Router<BasicWebSocketRequestContext>) {
        router.ws("/api/ws") { inbound, outbound, context in
            let connection = WebSocketConnection(inbound: inbound, outbound: outbound,
                                                 maxMessageBytes: services.configuration.maxMessageBytes)
            try await handle(context.request, connection: connection, logger: context.logger)
        }
    }

    private func handle(_ request: Request, connection: WebSocketConnection, logger: Logger) async throws {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil {
            query[String(key)] = String(value).removingPercentEncoding ?? String(value)
        }
        let parameters: ConnectionParameters
        switch ConnectionParameters.parse(query) {
        case .failure(let rejection):
            logger.info("refused a WebSocket connection: \(rejection.message)")
            return try await connection.refuse(rejection.message, code: rejection.closeCode)
        case .success(let parsed):
            parameters = parsed
        }
        if parameters.isHardware {
            let secret = request.headers[HTTPField.Name(ConnectionParameters.secretHeader)!]
            try await DeviceSession(parameters: parameters, secret: secret, connection: connection, services: services,
                                    logger: logger).run()
        } else {
            if let origin = request.headers[.origin], !(await originAllowed(origin, host: request.head.authority)) {
                logger.warning("refused a dashboard from origin \(origin)")
                return try await connection.refuse("Origin not allowed", code: 1008)
            }
            try await DashboardSession(parameters: parameters, token: query["token"], wantsStatus: query["status"] == "1",
                                       connection: connection, services: services, logger: logger).run()
        }
    }

    /// Browsers send their page's origin. With a list configured, or device
    /// authentication on, only this server's own origin and the listed ones may
    /// open dashboards; otherwise any may, as with the original backend.
    private func originAllowed(_ origin: String, host: String?) async -> Bool {
        let allowed = services.configuration.allowedOrigins
        let secured = (try? await services.stores.settings.deviceAuthenticationRequired()) ?? true
        guard !allowed.isEmpty || secured else { return true }
        if allowed.contains(origin) { return true }
        guard let host, let originHost = URL(string: origin).map({ url in url.host.map { h in url.port.map { "\(h):\($0)" } ?? h } }) else {
            return false
        }
        return originHost == host
    }
}
