import ChildProcess
import Foundation
import NIOSSL
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

/// Real `streaktrack-server` processes on one PostgreSQL schema behind a real HAProxy,
/// configured by `deploy/haproxy.cfg` itself (only its addresses changed to free ports,
/// and its certificate to one made for the test): TLS ends at the balancer, which names
/// each client to the instances (PROXY protocol v2; they trust 127.0.0.1).
final class ServerCluster: @unchecked Sendable {
    let names: [String]
    let ports: [String: Int]
    let balancerPort: Int
    let balancerTLSPort: Int
    let databaseURL: String
    let token = "cluster-admin-token-0123456789abcdef"
    let directory: String
    private var processes: [String: ChildProcess] = [:]
    private var balancerProcess: ChildProcess?
    private let lock = NSLock()

    struct Missing: Error, CustomStringConvertible { let description: String }

    init(names: [String], postgresURL: String, schema: String) throws {
        self.names = names
        var ports: [String: Int] = [:]
        for name in names { ports[name] = try freePort() }
        self.ports = ports
        balancerPort = try freePort()
        balancerTLSPort = try freePort()
        databaseURL = postgresURL + (postgresURL.contains("?") ? "&" : "?") + "schema=" + schema
        directory = try Fixtures.scratchDirectory()
    }

    var balancerBase: String { "127.0.0.1:\(balancerPort)" }

    /// Where a client connects: a URL's scheme and authority, and the TLS it trusts.
    struct Endpoint: Sendable {
        let base: String
        let tls: TLSConfiguration?
    }

    /// The balancer over TLS, trusting the test's certificate authority (known once started).
    private(set) var balancer = Endpoint(base: "", tls: nil)
    /// The test's certificate authority, once the balancer has started.
    private(set) var certificateAuthority = ""

    /// An instance directly, over plain HTTP (as an organization-wide view inside the data centre may be).
    func instance(_ name: String) -> Endpoint { Endpoint(base: "ws://127.0.0.1:\(ports[name]!)", tls: nil) }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The server program: the test build's, or `STREAKTRACK_CLUSTER_SERVER` (a release build, for figures).
    static var serverProgram: String {
        ProcessInfo.processInfo.environment["STREAKTRACK_CLUSTER_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Fixtures.executable("streaktrack-server")
    }

    /// Starts an instance from `program` and waits until it is ready.
    func start(_ name: String, program: String = ServerCluster.serverProgram) async throws {
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw Missing(description: "\(program) is missing: build with `swift build --build-tests` (scripts/test does)")
        }
        let process = try ChildProcess(program, [
            "serve", "--instance", name, "--host", "127.0.0.1", "--port", String(ports[name]!), "--database-url", databaseURL,
            "--admin-token", token, "--max-connections-per-address", "0", "--public-url", "http://\(balancerBase)",
            "--trusted-proxy", "127.0.0.1",
        ], output: .file("\(directory)/\(name).out"), errors: .file("\(directory)/\(name).\(UUID().uuidString.prefix(4)).log"))
        lock.withLock { processes[name] = process }
        try await waitUntil(timeout: .seconds(60)) {
            guard process.isRunning else { throw Missing(description: "instance \(name) exited at start; its log is in \(self.directory)") }
            return await Self.answers("http://127.0.0.1:\(self.ports[name]!)/healthz")
        }
    }

    /// The balancer, from the shipped configuration with this cluster's ports.
    func startBalancer() async throws {
        guard let haproxy = which("haproxy") ?? ["/usr/sbin/haproxy"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw Missing(description: "haproxy is not installed: `scripts/setup --with-test-tools` installs it (apt package haproxy)")
        }
        var text = try String(contentsOf: Self.repository.appendingPathComponent("deploy/haproxy.cfg"), encoding: .utf8)
        let (certificates, authority) = try await TestCertificates.make()
        text = text.replacingOccurrences(of: "127.0.0.1:8080", with: balancerBase)
        text = text.replacingOccurrences(of: "127.0.0.1:8443", with: "127.0.0.1:\(balancerTLSPort)")
        text = text.replacingOccurrences(of: "/etc/streaktrack/balancer.pem", with: certificates + "/server+key.pem")
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(authority)
        balancer = Endpoint(base: "wss://127.0.0.1:\(balancerTLSPort)", tls: tls)
        certificateAuthority = authority
        for (index, name) in names.enumerated() {
            text = text.replacingOccurrences(of: "127.0.0.1:\(3101 + index)", with: "127.0.0.1:\(ports[name]!)")
        }
        let configuration = directory + "/haproxy.cfg"
        try text.write(toFile: configuration, atomically: true, encoding: .utf8)
        // -db: in the foreground, so that it is this test's child and ends with it.
        let process = try ChildProcess(haproxy, ["-db", "-f", configuration], output: .file(directory + "/haproxy.out"),
                                       errors: .file(directory + "/haproxy.err"))
        lock.withLock { balancerProcess = process }
        try await waitUntil(timeout: .seconds(30)) {
            guard process.isRunning else { throw Missing(description: "haproxy exited at start: see \(self.directory)/haproxy.err") }
            return await Self.answers("http://\(self.balancerBase)/healthz")
        }
    }

    /// SIGKILL: no goodbye to anyone, as a crash or a dead machine.
    func kill(_ name: String) {
        guard let process = lock.withLock({ processes.removeValue(forKey: name) }) else { return }
        process.send(SIGKILL)
        _ = process.wait()
    }

    /// SIGTERM, as an upgrade stops an instance, and waits for it to end.
    func stop(_ name: String) async {
        guard let process = lock.withLock({ processes.removeValue(forKey: name) }) else { return }
        await process.terminate(grace: .seconds(20))
    }

    func stopAll() async {
        for name in names { await stop(name) }
        if let process = lock.withLock({ self.balancerProcess }) { await process.terminate() }
    }

    static func answers(_ url: String) async -> Bool {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 2
        guard let (_, response) = try? await URLSession.shared.data(for: request) else { return false }
        return (response as? HTTPURLResponse)?.statusCode == 200
    }
}
