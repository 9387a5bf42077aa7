import BackendStore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL
import HummingbirdWebSocket
import Logging
import StreakTrackLogging
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
        // Whoever was online when the last run stopped is not connected now (unless another instance holds it).
        try await stores.devices.markAllOffline(exceptLeased: stores.database is PostgresDatabase)
        let photoLinks = PhotoLinks(key: try await stores.settings.photoLinkKey(), lifetime: configuration.photoLinkLifetime)
        return StreakTrackServer(configuration: configuration, stores: stores, photoLinks: photoLinks, logger: logger)
    }

    private init(configuration: ServerConfiguration, stores: BackendStores, photoLinks: PhotoLinks, logger: Logger) {
        self.configuration = configuration
        self.stores = stores
        let hub = LiveHub(), metrics = ServerMetrics(instance: configuration.instanceName)
        let cluster: any Cluster = if let postgres = stores.database as? PostgresDatabase {
            PostgresCluster(database: postgres, instanceName: configuration.instanceName, hub: hub, metrics: metrics, logger: logger)
        } else {
            SingleInstance()
        }
        services = ServerServices(stores: stores, hub: hub, cluster: cluster, metrics: metrics, configuration: configuration,
                                  publicBase: LateValue(configuration.publicURL ?? "\(configuration.tls == nil ? "http" : "https")://127.0.0.1:\(configuration.port)"),
                                  photoLinks: photoLinks, logger: logger, peerLog: PeerLog(logger: logger, limiter: LogLimiter()))
        if CommonPasswords.list == nil { logger.warning("\(CommonPasswords.missingMessage)") }
    }

    /// The base URL of photo links, once the server listens.
    public var publicURL: String { services.publicURL }

    /// Serves until the task is cancelled or one of `signals` arrives. `onListening`
    /// gets the port actually bound (useful with port 0).
    public func run(signals: [UnixSignal] = [], onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let broadcaster = RosterBroadcaster(services: services)
        let router = Router(context: ServerRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: services.metrics))
        router.add(middleware: APIErrorMiddleware(services: services))
        router.add(middleware: RequestClientMiddleware())
        PublicRoutes(services: services, dashboard: DashboardFiles()).register(on: router)
        SessionRoutes(services: services).register(on: router)
        let api = router.group("api").add(middleware: Authentication(services: services))
        PeopleAPI(services: services).register(on: api)
        ClassesAPI(services: services).register(on: api)
        StudentsAPI(services: services).register(on: api)
        DevicesAPI(services: services).register(on: api)
        AttendanceAPI(services: services).register(on: api)
        EnrolmentsAPI(services: services, jobs: EnrolmentJobs()).register(on: api)

        let webSocketRouter = Router(context: ServerRequestContext.self)
        WebSocketEndpoint(services: services).register(on: webSocketRouter)

        let services = services
        let configuration = configuration
        let scheme = configuration.tls == nil ? "http" : "https"
        let app = Application(
            router: router,
            server: try Self.serverBuilder(configuration, webSocketRouter: webSocketRouter, services: services),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "StreakTrack"),
            services: [broadcaster, services.cluster],
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
        var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: signals, logger: services.logger)
        // A stop (an upgrade, a reboot) waits for requests under way a little, never for a slow
        // upload or a long poll: then they are cancelled (measured: the process ends about 3 s
        // after SIGTERM with four uploads under way). No limit on the cancellation itself:
        // past one, ServiceLifecycle ends the process with a fatal error.
        group.maximumGracefulShutdownDuration = configuration.limits.gracefulStop
        try await ServiceGroup(configuration: group).run()
        await stores.database.close()
    }

    /// HTTP/1.1 with the WebSocket upgrade, TLS when configured, every connection
    /// counted and held to the idle and head-size limits.
    private static func serverBuilder(_ configuration: ServerConfiguration, webSocketRouter: Router<ServerRequestContext>,
                                      services: ServerServices) throws -> HTTPServerBuilder {
        let limits = configuration.limits
        let head = limits.maxRequestHeadBytes
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .seconds(limits.idleTimeout.components.seconds),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: head, maxHeaderListSize: head, maxHeaderFieldCount: 100))
        let channel = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: http1,
            ws: WebSocketServerConfiguration(maxFrameSize: configuration.maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(20))))
        let tls = try configuration.tls.map(Self.tlsConfiguration)
        let counter = ConnectionCounter(maxPerAddress: limits.maxConnectionsPerAddress,
                                        maxTotal: min(limits.maxConnections, DescriptorLimit.raise() - 128))
        services.metrics.connectionLimit.set(Int64(counter.maxTotal))
        let webSocketResponder = webSocketRouter.buildResponder()
        let refused: @Sendable (String) -> Void = { address in
            services.metrics.refusedConnections.increment()
            services.peerLog.info(from: address, "refused a connection from \(address): over the connection limit")
        }
        let headDeadline = TimeAmount.seconds(limits.idleTimeout.components.seconds)
        return HTTPServerBuilder { responder in
            let plain = HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channel)
            let proxies = configuration.trustedProxies
            if let tls {
                return GuardedChildChannel(base: try TLSChannel(plain, tlsConfiguration: tls), counter: counter, headDeadline: headDeadline,
                                           trustedProxies: proxies, ownTLS: true, onRefused: refused)
            }
            return GuardedChildChannel(base: plain, counter: counter, headDeadline: headDeadline, trustedProxies: proxies, ownTLS: false,
                                       onRefused: refused)
        }
    }

    /// The server side of TLS from PEM files, with errors that name the file;
    /// TLS 1.2 at least (1.0 and 1.1 are broken and no current client needs them).
    static func tlsConfiguration(_ files: ServerConfiguration.TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate], key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain) } catch {
            throw ServerError("cannot read the TLS certificate chain \(files.certificateChain): \(error)")
        }
        do { key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem) } catch {
            throw ServerError("cannot read the TLS private key \(files.privateKey): \(error)")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        return tls
    }
}

/// A problem starting the server, said plainly.
public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
