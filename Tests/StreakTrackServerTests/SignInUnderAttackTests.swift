import BackendStore
import Foundation
import StreakTrackServer
import TestSupport
import Testing

/// The second attack run against signing in (issue 18), each finding as an attacker
/// tried it, against a real server over loopback: guesses sent at once, a stranger
/// locking a teacher out, guessing through the password change, a one-time link
/// used many times at once, common passwords, login CSRF, and a balancer naming its
/// clients. Another loopback address (127.0.0.2) is another client to the server.
@Suite("Signing in under attack")
struct SignInUnderAttackTests {
    static let password = "correct horse battery staple"

    /// A school with one admin (`head`) and one teacher (`t.rao`), both with `password`.
    static func school(_ kind: StoreKind = .sqlite,
                       configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> (RunningServer, String) {
        let server = try await RunningServer.start(kind, configure: configure)
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        _ = try await server.stores.users.add(organizationId: school.id, login: "head", name: "Head", role: .admin, password: password)
        _ = try await server.stores.users.add(organizationId: school.id, login: "t.rao", name: "T. Rao", role: .teacher, password: password)
        return (server, school.id)
    }

    /// 25 wrong passwords and the right one, sent together from one address: before,
    /// 25 × 401 and 1 × 200; every attempt is now counted before its password is checked.
    @Test(arguments: StoreKind.allCases)
    func guessesSentAtOnceAreHeldToTheLimit(kind: StoreKind) async throws {
        let (server, _) = try await Self.school(kind)
        defer { Task { await server.stop() } }
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for attempt in 0..<26 {
                group.addTask {
                    try await RawHTTP.post(port: server.port, "/api/login",
                                           json: ["login": "head", "password": attempt == 13 ? Self.password : "guess number \(attempt)"]).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let checked = statuses.filter { $0 != 429 }
        #expect(checked.count <= 5, "at most five passwords were checked: \(statuses.sorted())")
        #expect(statuses.filter { $0 == 429 }.count >= 21, "\(statuses.sorted())")
        #expect(Set(statuses).isSubset(of: [200, 401, 429]), "\(statuses.sorted())")
    }

    /// Five wrong passwords for a teacher's login used to lock the teacher out from every
    /// address for 15 minutes. Now the guessing address waits; the teacher does not.
    @Test func aStrangerCannotLockATeacherOut() async throws {
        let (server, _) = try await Self.school()
        defer { Task { await server.stop() } }
        var fromStranger: [Int] = []
        for attempt in 1...8 {
            fromStranger.append(try await RawHTTP.post(port: server.port, from: "127.0.0.2", "/api/login",
                                                       json: ["login": "t.rao", "password": "guess \(attempt) guess"]).status)
        }
        #expect(fromStranger == [401, 401, 401, 401, 401, 429, 429, 429], "the stranger is held back after five")
        let teacher = try await RawHTTP.post(port: server.port, from: "127.0.0.1", "/api/login", json: ["login": "t.rao", "password": Self.password])
        #expect(teacher.status == 200, "the teacher signs in from their own address: \(teacher)")
        let stranger = try await RawHTTP.post(port: server.port, from: "127.0.0.2", "/api/login", json: ["login": "t.rao", "password": Self.password])
        #expect(stranger.status == 429, "even the right password waits at the guessing address")
        // The stranger's address as a whole: thirty attempts at any logins, then it waits for every login.
        var last = 0
        for attempt in 1...30 {
            last = try await RawHTTP.post(port: server.port, from: "127.0.0.2", "/api/login",
                                          json: ["login": "nobody\(attempt)", "password": "guess \(attempt) guess"]).status
        }
        #expect(last == 429)
        #expect(try await RawHTTP.post(port: server.port, from: "127.0.0.2", "/api/login",
                                       json: ["login": "head", "password": Self.password]).status == 429)
        #expect(try await RawHTTP.post(port: server.port, from: "127.0.0.3", "/api/login",
                                       json: ["login": "head", "password": Self.password]).status == 200)
    }

    /// A stolen session was a way to guess the password without limit (12 × 403, session kept).
    @Test func guessingThroughThePasswordChangeIsThrottled() async throws {
        let (server, _) = try await Self.school()
        defer { Task { await server.stop() } }
        let head = try await SessionClient.signIn(server, login: "head", password: Self.password)
        var statuses: [Int] = []
        for attempt in 1...6 {
            statuses.append(try await head.request("POST", "/api/password", json: ["current": "guess \(attempt) guess", "new": "a brand new passphrase"]).status)
        }
        #expect(statuses == [403, 403, 403, 403, 403, 429])
        let right = try await head.request("POST", "/api/password", json: ["current": Self.password, "new": "a brand new passphrase"])
        #expect(right.status == 429, "the right password waits too: \(right.text)")
    }

    /// A set-up link used 8 times at once gave 8 sessions; an invitation twice, 2.
    @Test(arguments: StoreKind.allCases)
    func aOneTimeLinkWorksOnceHoweverManyUseItAtOnce(kind: StoreKind) async throws {
        let (server, organizationId) = try await Self.school(kind)
        defer { Task { await server.stop() } }
        for purpose in [UserStore.LinkPurpose.setup, .invitation] {
            let user = try await server.stores.users.add(organizationId: organizationId, login: "new.\(purpose.rawValue)", name: "New",
                                                         role: purpose == .setup ? .admin : .teacher)
            let code = try await server.stores.users.issueLink(userId: user.id, purpose: purpose)
            let answers = try await withThrowingTaskGroup(of: RawHTTP.Answer.self) { group in
                for attempt in 0..<8 {
                    group.addTask {
                        try await RawHTTP.post(port: server.port, "/api/links/\(code)",
                                               json: ["password": "chosen passphrase \(attempt)", "login": "chosen\(attempt).\(purpose.rawValue)"])
                    }
                }
                return try await group.reduce(into: [RawHTTP.Answer]()) { $0.append($1) }
            }
            let won = answers.filter { $0.status == 200 }
            #expect(won.count == 1, "\(purpose): \(answers.map(\.status).sorted())")
            #expect(answers.filter { $0.status == 404 }.count == 7, "\(answers.map(\.status).sorted())")
            let sessions = try await server.stores.database.query("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", .text(user.id))
            #expect(sessions.first?.integer("n") == 1, "one session for \(purpose)")
        }
    }

    /// `1234567890` and `password12` were accepted.
    @Test func commonPasswordsAreRefusedWithAReason() async throws {
        let (server, organizationId) = try await Self.school()
        defer { Task { await server.stop() } }
        let user = try await server.stores.users.add(organizationId: organizationId, login: "new", name: "New", role: .teacher)
        let code = try await server.stores.users.issueLink(userId: user.id, purpose: .invitation)
        for common in ["1234567890", "password12", "Password123", "qwertyuiop", "aaaaaaaaaaaa"] {
            let answer = try await RawHTTP.post(port: server.port, "/api/links/\(code)", json: ["password": common])
            #expect(answer.status == 400, "\(common): \(answer)")
        }
        let common = try await RawHTTP.post(port: server.port, "/api/links/\(code)", json: ["password": "password12"])
        #expect(common.body.contains("most common"), "\(common)")
        #expect(try await RawHTTP.post(port: server.port, "/api/links/\(code)", json: ["password": "violet tractor anthem"]).status == 200)
        let head = try await SessionClient.signIn(server, login: "head", password: Self.password)
        #expect(try await head.request("POST", "/api/password", json: ["current": Self.password, "new": "iloveyou12"]).status == 400)
    }

    /// Login CSRF: another site's page signed the browser in to the attacker's account
    /// (`text/plain` body, `Origin: http://evil.example`, answered 200 with a cookie).
    @Test func signingInNeedsOurOwnPage() async throws {
        let (server, _) = try await Self.school()
        defer { Task { await server.stop() } }
        let body = #"{"login":"head","password":"\#(Self.password)"}"#
        let plain = try await RawHTTP.request(port: server.port, "POST", "/api/login",
                                              headers: ["Content-Type": "text/plain", "Origin": "http://evil.example"], body: body)
        #expect(plain.status == 415 && plain.headers["set-cookie"] == nil, "\(plain)")
        let form = try await RawHTTP.request(port: server.port, "POST", "/api/login",
                                             headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
        #expect(form.status == 415)
        let elsewhere = try await RawHTTP.post(port: server.port, "/api/login", json: ["login": "head", "password": Self.password],
                                               headers: ["Origin": "http://evil.example"])
        #expect(elsewhere.status == 403 && elsewhere.headers["set-cookie"] == nil, "\(elsewhere)")
        let otherScheme = try await RawHTTP.post(port: server.port, "/api/login", json: ["login": "head", "password": Self.password],
                                                 headers: ["Origin": "https://127.0.0.1:\(server.port)"])
        #expect(otherScheme.status == 403, "https is another origin than this http server")
        let own = try await RawHTTP.post(port: server.port, "/api/login", json: ["login": "head", "password": Self.password],
                                         headers: ["Origin": "http://127.0.0.1:\(server.port)"])
        #expect(own.status == 200 && own.headers["set-cookie"] != nil, "\(own)")
        #expect(try await RawHTTP.post(port: server.port, "/api/login", json: ["login": "head", "password": Self.password]).status == 200,
                "a program that sends no Origin signs in")
    }

    /// The socket's Origin check ignored the scheme: `https://host:port` was accepted for an http server.
    @Test func theSocketOriginCheckComparesSchemeHostAndPort() async throws {
        let (server, organizationId) = try await Self.school()
        defer { Task { await server.stop() } }
        _ = try await server.register(device: "door-1", organization: organizationId)
        let query = "deviceId=door-1&organizationId=\(organizationId)&isHardware=false"
        for origin in ["https://127.0.0.1:\(server.port)", "http://127.0.0.1:\(server.port + 1)", "http://localhost.evil:\(server.port)"] {
            let socket = try await server.socket(query, headers: ["Origin": origin, "Sec-WebSocket-Protocol": "streaktrack, bearer.\(server.adminToken)"])
            #expect(try await socket.next() == #"{"error":"Origin not allowed"}"#, "\(origin)")
        }
        let own = try await server.socket(query + "&status=1", headers: ["Origin": "http://127.0.0.1:\(server.port)",
                                                                         "Sec-WebSocket-Protocol": "streaktrack, bearer.\(server.adminToken)"])
        #expect(try await own.next() == #"{"type":"device_status","deviceId":"door-1","online":false}"#)
        await own.close()
    }

    /// Behind a balancer every client was one address. From a trusted balancer the PROXY
    /// header names the client: throttling and the audit log see it; from anyone else
    /// the header is not read (the bytes are not HTTP, and are refused as such).
    @Test func aTrustedBalancerNamesItsClients() async throws {
        let (server, organizationId) = try await Self.school {
            $0.trustedProxies = [AddressRange("127.0.0.1/32")!]
        }
        defer { Task { await server.stop() } }
        let guesser = ProxyHeader.v2(client: "198.51.100.7", tls: true)
        var statuses: [Int] = []
        for attempt in 1...6 {
            statuses.append(try await RawHTTP.post(port: server.port, proxyHeader: guesser, "/api/login",
                                                   json: ["login": "head", "password": "guess \(attempt) guess"]).status)
        }
        #expect(statuses == [401, 401, 401, 401, 401, 429])
        let colleague = try await RawHTTP.post(port: server.port, proxyHeader: ProxyHeader.v2(client: "198.51.100.8", tls: true),
                                               "/api/login", json: ["login": "head", "password": Self.password],
                                               headers: ["Origin": "https://127.0.0.1:\(server.port)"])
        #expect(colleague.status == 200, "another client behind the same balancer signs in (over the balancer's TLS): \(colleague)")
        #expect(try await RawHTTP.post(port: server.port, proxyHeader: ProxyHeader.local, "/api/login",
                                       json: ["login": "head", "password": Self.password]).status == 200,
                "the balancer's own connection (LOCAL) is the balancer")
        #expect(try await RawHTTP.post(port: server.port, "/api/login", json: ["login": "head", "password": Self.password]).status == 200,
                "without a header, a connection from the balancer's machine is its own")

        // The audit log names the client, not the balancer.
        let user = try await server.stores.users.add(organizationId: organizationId, login: "new", name: "New", role: .teacher)
        let code = try await server.stores.users.issueLink(userId: user.id, purpose: .invitation)
        #expect(try await RawHTTP.post(port: server.port, proxyHeader: ProxyHeader.v2(client: "203.0.113.9"), "/api/links/\(code)",
                                       json: ["password": "violet tractor anthem"]).status == 200)
        let entry = try #require(try await server.stores.audit.entries(organizationId: organizationId).first)
        #expect(entry.action == "user.invitation" && entry.address == "203.0.113.9", "\(entry)")

        // From an address that is not a trusted balancer, a PROXY header is not believed.
        let forged = try await RawHTTP.post(port: server.port, from: "127.0.0.2", proxyHeader: ProxyHeader.v2(client: "198.51.100.99"),
                                            "/api/login", json: ["login": "head", "password": Self.password])
        #expect(forged.status == 400, "\(forged)")
    }
}
