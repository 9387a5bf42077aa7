import ArgumentParser
import BackendStore
import FaceEngine
import Foundation
import Logging
import StreakTrackLogging
import StreakTrackServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the backend (the default).")

    @Option(help: "Address to listen on.") var host = "0.0.0.0"
    @Option(help: "Port for HTTP and WebSocket (3001, as the original backend).") var port = 3001
    @Option(name: .customLong("public-url"), help: "Base URL devices reach this server at, for photo links (default: http://<this machine's address>:<port>).")
    var publicURL: String?
    @Option(name: .customLong("allowed-origin"), help: "A browser origin allowed to open sockets, besides the server's own (repeatable).")
    var allowedOrigins: [String] = []
    @Option(name: .customLong("trusted-proxy"),
            help: "A balancer's address or CIDR block (repeatable) whose PROXY protocol v2 header names the client (HAProxy: send-proxy-v2-ssl); from anyone else it is not read.")
    var trustedProxies: [String] = []
    @Option(name: .customLong("admin-token"), help: "Set the admin token for scripts (or $STREAKTRACK_ADMIN_TOKEN); `admin reset-token` makes one.")
    var adminToken: String?
    @Option(name: .customLong("models"), help: "Directory of the dlib model files (default: $STREAKTRACK_MODELS, else ~/.cache/streaktrack/models).")
    var modelDirectory: String?
    @Flag(name: .customLong("secure-cookies"), help: "Send the sign-in cookie over https only (on by itself with --tls-certificate; use behind a TLS proxy).")
    var secureCookies = false
    @Flag(name: .customLong("open-devices"),
          help: "Admit any unregistered device id, as the original backend did (anyone on the network can then mark attendance and receive the roster's photos).")
    var openDevices = false
    @Option(name: .customLong("max-connections-per-address"), help: "Open connections allowed from one address (0: no limit, for a load test).")
    var maxConnectionsPerAddress = ServerConfiguration.Limits().maxConnectionsPerAddress
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning or error.") var logLevel = "info"
    @Option(name: .customLong("log-format"), help: "text, or json (one object per line, on stderr).") var logFormat = "text"
    @Option(name: .customLong("tls-certificate"), help: "PEM certificate chain: serve https:// and wss:// (with --tls-key).")
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-certificate.") var tlsKey: String?
    @Option(help: "This instance's name in logs, metrics and the admin's /healthz, when several serve one database (default: host name:port).")
    var instance: String?
    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-certificate and --tls-key go together") }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format is text or json") }
        guard maxConnectionsPerAddress >= 0 else { throw ValidationError("--max-connections-per-address is 0 or more") }
        for given in trustedProxies where AddressRange(given) == nil {
            throw ValidationError("--trusted-proxy \(given) is not an IP address or a CIDR block (such as 10.0.0.0/8)")
        }
    }

    func run() async throws {
        LogFormat(rawValue: logFormat)!.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info)
        var logger = Logger(label: "streaktrack.server")
        let engine: FaceEngine
        do {
            // Every photo offered for a student is checked by the same models the devices use.
            engine = try FaceEngine(modelDirectory: modelDirectory, workers: min(4, ProcessInfo.processInfo.activeProcessorCount))
        } catch {
            throw ValidationError("\(error.message) (scripts/setup installs the models; --models names their directory)")
        }
        var configuration = ServerConfiguration(faceEngine: engine, host: host, port: port, publicURL: publicURL, store: store.location,
                                                allowedOrigins: allowedOrigins)
        configuration.secureCookies = secureCookies || tlsCertificate != nil
        configuration.openDevices = openDevices
        configuration.instance = instance
        // Every line says which instance wrote it: several may log to one place.
        logger[metadataKey: "instance"] = "\(configuration.instanceName)"
        configuration.limits.maxConnectionsPerAddress = maxConnectionsPerAddress
        configuration.trustedProxies = trustedProxies.compactMap(AddressRange.init)
        if let tlsCertificate, let tlsKey {
            configuration.tls = ServerConfiguration.TLSFiles(certificateChain: tlsCertificate, privateKey: tlsKey)
        }
        let server: StreakTrackServer
        do {
            server = try await StreakTrackServer.open(configuration, logger: logger)
        } catch {
            throw StoreUnavailable(location: store.location, reason: error)
        }
        let stores = server.stores
        if let given = adminToken ?? ProcessInfo.processInfo.environment["STREAKTRACK_ADMIN_TOKEN"], !given.isEmpty {
            try await stores.settings.setAdminToken(given)
        }
        if let school = try await stores.roster.addFirstOrganization(name: "My School") {
            say("Created organization \"\(school.name)\" with id \(school.id): put it in each device's config.json as organizationId.")
        }
        let setupCode = try await FirstAdmin.setupCode(stores)
        let noDevices = try await stores.devices.devices().isEmpty
        let host = host, location = store.location.description, secure = tlsCertificate != nil, openDevices = openDevices
        try await server.run(signals: [.sigint, .sigterm]) { port in
            let base = server.publicURL
            say("""

            StreakTrack server listening on \(host):\(port) (\(location))
              devices connect to   \(secure ? "wss" : "ws")://<this machine>:\(port)/api/ws  (photo links use \(base))
              dashboard            \(secure ? "https" : "http")://127.0.0.1:\(port)/
              add a student        streaktrack-server students add --name "Asha Verma" --enrollment-no 0801CS211 photo1.jpg photo2.jpg
              register a device    streaktrack-server devices add door-1 --name "Main door"   (prints its config.json)
            """)
            if let setupCode {
                say("""

                No administrator yet. Open this one-time link to choose the administrator's login and password
                (it works once, for three days; restarting the server makes a new one):
                  \(base)/#link=\(setupCode)
                """)
            }
            if noDevices && !openDevices {
                say("""

                No device is registered yet: only registered devices may connect. Register each one
                (the dashboard's Devices panel does the same) and copy the config.json it prints to the
                device; an original StreakTrack device, which cannot send a secret, is registered with
                `streaktrack-server devices add ID --admit-without-secret`.
                """)
            }
            if openDevices {
                say("""

                *****************************************************************************
                * WARNING: --open-devices. Any program on the network that knows an         *
                * organization id (it is in every device's config.json) is admitted as a    *
                * device: it receives the whole roster with links to every student's photo, *
                * and its attendance marks are stored, for any student and any date. Only   *
                * registered devices' ids are protected. Register devices and restart       *
                * without --open-devices as soon as you can.                                *
                *****************************************************************************
                """)
            }
        }
    }
}

/// Straight to standard output, unbuffered, so a supervisor's log sees it at once.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
