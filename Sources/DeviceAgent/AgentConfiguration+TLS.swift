import NIOSSL

extension AgentConfiguration {
    /// How the device trusts its backend's certificate: the system's roots, and `caFile` if given.
    public var tls: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let caFile { tls.additionalTrustRoots = [.file(caFile)] }
        return tls
    }
}
