import BackendStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import UnixSignals

/// The StreakTrack backend: opens its store, then serves `/api/ws`, the REST
/// API, photos, the dashboard, `/healthz` and `/metrics` on one port.
public final class StreakTrackServer: Sendable {
    public let configuration: ServerConfiguration
    public let stores: BackendStores
    let services: ServerServices

    public static func open(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "streaktrack.server")) async throws -> StreakTrackServer {
        let stores = try await BackendStores.open(configuration.store, logger: logger)
        // Whoever was online when the last run stopped is not connected now.
        try await stores.devices.markAllOffline()
        return StreakTrackServer(configuration: configuration, stores: stores, logger: logger)
    }

    private init(configuration: ServerConfiguration, stores: BackendStores, logger: Logger) {
        self.configuration = configuration
        self.stores = stores
        services = ServerServices(stores: stores, hub: LiveHub(), metrics: ServerMetrics(), configuration: configuration,
                                  publicBase: LateValue(configuration.publicURL ?? "\(configuration.tls == nil ? "http" : "https")://127.0.0.1:\(configuration.port)"),
                                  logger: logger)
    }

    /// The base URL of photo links, once the server listens.
    public var publicURL: String { services.publicURL }

    /// Serves until the task is cancelled or one of `signals` arrives. `onListening`
    /// gets the port actually bound (useful with port 0).
    public func run(signals: [UnixSignal] = [], onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let broadcaster = RosterBroadcaster(services: services)
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: services.metrics))
        router.add(middleware: APIErrorMiddleware(services: services))
        PublicRoutes(services: services, dashboard: DashboardFiles()).register(on: router)
        AdminAPI(services: services, broadcaster: broadcaster).register(on: router)

        let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
        WebSocketEndpoint(services: services).register(on: webSocketRouter)

        let webSocket = WebSocketServerConfiguration(maxFrameSize: configuration.maxMessageBytes,
                                                     autoPing: .enabled(timePeriod: .seconds(20)))
        let services = services
        let configuration = configuration
        let plain = HTTPServerBuilder.http1WebSocketUpgrade(webSocketRouter: webSocketRouter, configuration: .init(ws: webSocket))
        let scheme = configuration.tls == nil ? "http" : "https"
        let app = Application(
            router: router,
            server: try configuration.tls.map { try .tls(plain, tlsConfiguration: try Self.tlsConfiguration($0)) } ?? plain,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StreakTrack"),
            services: [broadcaster],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                if configuration.publicURL == nil {
                    let host = configuration.host == "0.0.0.0" || configuration.host == "::"
                        ? (PublicAddress.firstNetworkAddress() ?? "127.0.0.1") : configuration.host
                    services.publicBase.set("\(scheme)://\(host):\(port)")
                }
                await onListening(port)
            },
            logger: services.logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: signals, logger: services.logger))
        try await group.run()
        await stores.database.close()
    }

    /// The server side of TLS from PEM files, with errors that name the file.
    static func tlsConfiguration(_ files: ServerConfiguration.TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate], key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain) } catch {
            throw ServerError("cannot read the TLS certificate chain \(files.certificateChain): \(error)")
        }
        do { key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem) } catch {
            throw ServerError("cannot read the TLS private key \(files.privateKey): \(error)")
        }
        return .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }
}

/// A problem starting the server, said plainly.
public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
