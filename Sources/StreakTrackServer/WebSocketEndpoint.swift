import Foundation
import Hummingbird
import HummingbirdWebSocket
import HTTPTypes
import Logging
import StreakTrackLogging
import StreakTrackProtocol

/// `/api/ws`: every request is upgraded (the original answers even a bad query
/// over the socket), then the query decides between a device and a dashboard.
struct WebSocketEndpoint: Sendable {
    let services: ServerServices

    /// Browsers offer it with the dashboard's credentials and need it answered,
    /// or they drop the connection.
    static let subprotocol = "streaktrack"
    /// `bearer.<token>` among the offered subprotocols: how a browser, which
    /// cannot set headers on a WebSocket, sends a token without putting it in the URL.
    static let bearerPrefix = "bearer."

    func register(on router: Router<ServerRequestContext>) {
        router.ws("/api/ws", shouldUpgrade: { request, _ in
            let offered = Self.offeredSubprotocols(request)
            return .upgrade(offered.contains(Self.subprotocol) ? [.secWebSocketProtocol: Self.subprotocol] : [:])
        }, onUpgrade: { inbound, outbound, context in
            let limits = services.configuration.limits
            let connection = WebSocketConnection(inbound: inbound, outbound: outbound, channel: context.requestContext.channel,
                                                 maxMessageBytes: services.configuration.maxMessageBytes,
                                                 maxQueuedBytes: limits.maxQueuedBytesPerConnection)
            try await handle(context.request, connection: connection, viaTLS: context.requestContext.client.viaTLS, logger: context.logger)
        })
    }

    private func handle(_ request: Request, connection: WebSocketConnection, viaTLS: Bool, logger: Logger) async throws {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where query[String(key)] == nil {
            query[String(key)] = String(value).removingPercentEncoding ?? String(value)
        }
        // A web page anyone on the network opens must not act as a device or a dashboard.
        if let origin = request.headers[.origin], !services.originAllowed(origin, host: request.head.authority, viaTLS: viaTLS) {
            services.peerLog.warning(from: connection.peer, "refused a WebSocket from origin \(origin.cutForLog()) (\(connection.peer))")
            return try await connection.refuse("Origin not allowed", code: 1008)
        }
        let parameters: ConnectionParameters
        switch ConnectionParameters.parse(query) {
        case .failure(let rejection):
            services.peerLog.info(from: connection.peer, "refused a WebSocket connection from \(connection.peer): \(rejection.message)")
            return try await connection.refuse(rejection.message, code: rejection.closeCode)
        case .success(let parsed):
            parameters = parsed
        }
        if parameters.isHardware {
            let secret = request.headers[HTTPField.Name(ConnectionParameters.secretHeader)!]
            try await DeviceSession(parameters: parameters, secret: secret, connection: connection, services: services,
                                    logger: logger).run()
        } else {
            try await DashboardSession(parameters: parameters, request: request, wantsStatus: query["status"] == "1",
                                       connection: connection, services: services, logger: logger).run()
        }
    }

    /// The admin token of a dashboard: `bearer.<token>` among the subprotocols (a
    /// browser cannot set headers on a WebSocket), or an `Authorization: Bearer`
    /// header (scripts). Never the URL, which proxies log.
    static func bearerToken(_ request: Request) -> String? {
        if let token = offeredSubprotocols(request).first(where: { $0.hasPrefix(bearerPrefix) }) {
            return String(token.dropFirst(bearerPrefix.count))
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst(7))
    }

    private static func offeredSubprotocols(_ request: Request) -> [String] {
        request.headers[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
