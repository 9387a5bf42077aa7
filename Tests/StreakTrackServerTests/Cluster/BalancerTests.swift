import BackendStore
import Foundation
import TestSupport
import Testing

/// `deploy/haproxy.cfg` as a district runs it: TLS ends at HAProxy, which names each
/// client to the instance (PROXY protocol v2). Before, every client was the balancer's
/// address: thirty wrong passwords from anyone locked every login in the district, and
/// the audit log named the balancer. Clients are curl processes from two loopback
/// addresses, over https with the test's certificate authority.
@Suite("Behind the balancer", .serialized)
struct BalancerTests {
    static let password = "correct horse battery staple"

    struct Missing: Error, CustomStringConvertible { let description: String }

    @Test func theInstanceSeesEachClientThroughTheBalancersTLS() async throws {
        guard let curl = which("curl") else { throw Missing(description: "curl is not installed: `scripts/setup --with-test-tools` installs it") }
        let location = try StoreKind.postgres.freshLocation()
        guard case .postgres(let url, let schema?) = location else { Issue.record("a fresh PostgreSQL location has a schema"); return }
        let stores = try await BackendStores.open(location)
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        _ = try await stores.users.add(organizationId: school.id, login: "head", name: "Head", role: .admin, password: Self.password)
        let invited = try await stores.users.add(organizationId: school.id, login: "t.rao", name: "T. Rao", role: .teacher)
        let invitation = try await stores.users.issueLink(userId: invited.id, purpose: .invitation)
        let cluster = try ServerCluster(names: ["a"], postgresURL: url, schema: schema)
        defer { Task { await cluster.stopAll(); await stores.database.close() } }
        try await cluster.start("a")
        try await cluster.startBalancer()
        let https = "https://127.0.0.1:\(cluster.balancerTLSPort)"

        /// One request by curl from `source`: the status and the body.
        func send(from source: String, _ path: String, json: String? = nil, origin: String? = nil, base: String? = nil) async throws -> (Int, String) {
            var arguments = ["-sS", "--cacert", cluster.certificateAuthority, "--interface", source, "-o", "-", "-w", "\n%{http_code}"]
            if let json { arguments += ["-H", "Content-Type: application/json", "--data", json] }
            if let origin { arguments += ["-H", "Origin: \(origin)"] }
            let done = try await runProcess(curl, arguments + [(base ?? https) + path])
            let lines = done.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n") + done.stderr)
        }

        // Thirty wrong passwords from one client behind the balancer...
        var statuses: [Int] = []
        for attempt in 1...30 {
            statuses.append(try await send(from: "127.0.0.2", "/api/login", json: #"{"login":"head","password":"guess \#(attempt) guess"}"#).0)
        }
        #expect(statuses.prefix(5).allSatisfy { $0 == 401 } && statuses.dropFirst(5).allSatisfy { $0 == 429 }, "\(statuses)")
        // ...lock out nobody else: another client signs in, over TLS, from the balancer's https origin.
        let other = try await send(from: "127.0.0.3", "/api/login", json: #"{"login":"head","password":"\#(Self.password)"}"#, origin: https)
        #expect(other.0 == 200, "\(other)")
        // The audit log names the client, not the balancer.
        let redeemed = try await send(from: "127.0.0.3", "/api/links/\(invitation)", json: #"{"password":"violet tractor anthem"}"#)
        #expect(redeemed.0 == 200, "\(redeemed)")
        let entry = try #require(try await stores.audit.entries(organizationId: school.id).first)
        #expect(entry.action == "user.invitation" && entry.address == "127.0.0.3", "\(entry)")
        // Plain HTTP: a browser is sent to https; doors' sockets and health probes are served as they are.
        let plain = try await runProcess(curl, ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "http://\(cluster.balancerBase)/"])
        #expect(plain.stdout.hasPrefix("301 https://"), "\(plain.stdout)")
        #expect(try await send(from: "127.0.0.2", "/healthz", base: "http://\(cluster.balancerBase)").0 == 200)
        print("balancer: 30 wrong passwords from 127.0.0.2 through HAProxy (TLS) → \(statuses.filter { $0 == 429 }.count) × 429; 127.0.0.3 signed in; audit names \(entry.address ?? "nobody")")
    }
}
