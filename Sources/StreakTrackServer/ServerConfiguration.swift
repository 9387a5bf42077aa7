import Foundation
import BackendStore
import FaceEngine

/// How a server runs: where it listens, where its data is, and its limits.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 3001 is the original backend's WebSocket port; 0 picks a free one (tests).
    public var port: Int
    /// The base of the photo URLs in the roster, as devices on other machines reach
    /// this server; nil means this machine's first network address.
    public var publicURL: String?
    public var store: BackendStores.Location
    /// Largest WebSocket message accepted; a live frame is about 100 kB.
    public var maxMessageBytes: Int
    /// Largest REST request body (a student with several photos, in base64).
    public var maxRequestBytes: Int
    public var maxPhotoBytes: Int
    /// Browser origins allowed to open dashboard sockets, besides the server's own.
    public var allowedOrigins: [String]
    /// How often to look for roster changes made by other processes.
    public var rosterPollInterval: Duration
    /// Off: never acknowledge, exactly as the original backend (for testing devices against it).
    public var acknowledgements = true
    /// HTTPS and wss:// on the same port, with this certificate chain and key (PEM files);
    /// nil: plain HTTP, for a LAN or behind a TLS proxy.
    public var tls: TLSFiles?
    /// Balancers allowed to name their clients (PROXY protocol v2, HAProxy's
    /// `send-proxy-v2-ssl`): from them, throttling, connection caps and the audit
    /// log see the client; from anyone else such a header is not read.
    public var trustedProxies: [AddressRange] = []
    /// Admit any device id that is not registered, as the original backend did.
    /// Registered devices still need their secret; dashboards still need a user.
    public var openDevices = false
    /// How long a photo link in a roster stays good (a device's sync must fit in it).
    public var photoLinkLifetime: Duration = .seconds(6 * 3600)
    public var limits = Limits()
    /// How long a sign-in lasts.
    public var sessionLifetime: Duration = .seconds(12 * 3600)
    /// Session cookies only over https: on with `tls`, or behind a TLS proxy.
    public var secureCookies = false
    /// Checks every photo offered for a student (and finds look-alikes).
    public var faceEngine: FaceEngine
    var photoThresholds = PhotoCheck.Thresholds()
    /// Two students' faces this close are reported as look-alikes (the devices' tolerance).
    public var lookAlikeTolerance = 0.5
    /// This instance's name, when several serve one database: in its logs, its metrics and
    /// the admin's health answer (default: this machine's host name and the port).
    public var instance: String?
    public var instanceName: String { instance ?? "\(ProcessInfo.processInfo.hostName):\(port)" }

    /// What one peer may take of the server, so that no client, hostile or
    /// broken, can exhaust its memory, descriptors or patience.
    public struct Limits: Sendable {
        /// Largest message that is not a camera frame (attendance, commands, errors).
        public var maxControlMessageBytes = 16 << 10
        /// Text waiting for one slow reader before it is disconnected (frames are dropped, not queued).
        public var maxQueuedBytesPerConnection = 4 << 20
        /// Open TCP connections from one address; 0: no limit (a load test from loopback).
        public var maxConnectionsPerAddress = 64
        /// Open TCP connections in all; also kept below the process's descriptor limit.
        public var maxConnections = 20_000
        public var maxDashboardsPerDevice = 16
        /// A connection must send a complete request head within this time, and is
        /// closed after this long without a request.
        public var idleTimeout: Duration = .seconds(20)
        /// A request body must arrive within this time.
        public var bodyTimeout: Duration = .seconds(120)
        /// Largest request head (request line and headers); larger gets 431.
        public var maxRequestHeadBytes = 16 << 10
        /// Attempts allowed within the window for one login from one address: past it,
        /// that address waits (the person, elsewhere, does not).
        public var maxLoginFailuresPerAccountAndAddress = 5
        /// Attempts from one address, at any logins.
        public var maxLoginFailuresPerAddress = 30
        /// Attempts at one login from every address together: only guesses from many
        /// addresses reach it, never one stranger's (who is held at 5, then 30).
        public var maxLoginFailuresPerAccount = 100
        public var loginThrottleWindow: Duration = .seconds(15 * 60)
        /// How long a stop waits for requests under way before cancelling them.
        public var gracefulStop: Duration = .seconds(3)
        public init() {}
    }

    public struct TLSFiles: Sendable {
        public var certificateChain: String
        public var privateKey: String
        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public init(faceEngine: FaceEngine, host: String = "0.0.0.0", port: Int = 3001, publicURL: String? = nil,
                store: BackendStores.Location = .sqlite(dataDirectory: "streaktrack-data"),
                maxMessageBytes: Int = 4 << 20, maxRequestBytes: Int = 64 << 20, maxPhotoBytes: Int = PhotoUpload.defaultMaxBytes,
                allowedOrigins: [String] = [], rosterPollInterval: Duration = .seconds(2)) {
        self.faceEngine = faceEngine
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.store = store
        self.maxMessageBytes = maxMessageBytes
        self.maxRequestBytes = maxRequestBytes
        self.maxPhotoBytes = maxPhotoBytes
        self.allowedOrigins = allowedOrigins
        self.rosterPollInterval = rosterPollInterval
    }
}
