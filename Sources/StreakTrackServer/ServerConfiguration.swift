import BackendStore

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

    public struct TLSFiles: Sendable {
        public var certificateChain: String
        public var privateKey: String
        public init(certificateChain: String, privateKey: String) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
        }
    }

    public init(host: String = "0.0.0.0", port: Int = 3001, publicURL: String? = nil,
                store: BackendStores.Location = .sqlite(dataDirectory: "streaktrack-data"),
                maxMessageBytes: Int = 4 << 20, maxRequestBytes: Int = 64 << 20, maxPhotoBytes: Int = PhotoUpload.defaultMaxBytes,
                allowedOrigins: [String] = [], rosterPollInterval: Duration = .seconds(2)) {
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
