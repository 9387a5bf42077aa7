import BackendStore
import Foundation
import TestSupport
import Testing

/// Signing in and staying safe while signed in: cookies no script or other site
/// can use, CSRF tokens, logging out, changing a password, slowed-down guessing,
/// and the one-time links people start with.
@Suite("Signing in")
struct SignInTests {
    static let password = "correct horse battery staple"

    @Test(arguments: StoreKind.allCases)
    func sessionsCookiesAndCSRF(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        _ = try await server.stores.users.add(organizationId: school.id, login: "Head@School.example", name: "Head", role: .admin, password: Self.password)

        let base = "http://127.0.0.1:\(server.port)"
        let wrong = try await HTTPTestClient(base: base, token: nil).request("POST", "/api/login", json: ["login": "head@school.example", "password": "nope nope nope"])
        #expect(wrong.status == 401 && wrong.text.contains("not right"))
        let nobody = try await HTTPTestClient(base: base, token: nil).request("POST", "/api/login", json: ["login": "ghost", "password": Self.password])
        #expect(nobody.status == 401 && nobody.text == wrong.text, "an unknown login is answered as a wrong password")

        let head = try await SessionClient.signIn(server, login: "HEAD@school.example", password: Self.password)
        #expect(try await head.get("/api/session").status == 200, "logins are not case-sensitive")
        #expect(try await head.get("/api/organizations").status == 200)
        // A change without the page's CSRF token is what another site's page would send: refused.
        let forged = try await head.request("POST", "/api/classes", json: ["name": "10A"], csrf: false)
        #expect(forged.status == 403 && forged.text.contains("CSRF"))
        #expect(try await head.request("POST", "/api/classes", json: ["name": "10A"]).status == 201)

        // The cookie: not for scripts, not sent by other sites, for the whole dashboard.
        let reply = try await HTTPTestClient(base: base, token: nil).request("POST", "/api/login", json: ["login": "head@school.example", "password": Self.password])
        let cookie = try #require(reply.headers["set-cookie"])
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] { #expect(cookie.contains(attribute), "\(cookie)") }
        #expect(!cookie.contains("Secure"), "plain HTTP here; --secure-cookies or TLS adds it")

        // Changing the password ends every other session; this one goes on.
        let other = try await SessionClient.signIn(server, login: "head@school.example", password: Self.password)
        let changed = try await head.request("POST", "/api/password", json: ["current": Self.password, "new": "a brand new passphrase"])
        #expect(changed.status == 200)
        #expect(try await other.get("/api/session").status == 401, "the other session ended")
        let renewed = try await SessionClient.signIn(server, login: "head@school.example", password: "a brand new passphrase")
        #expect(try await renewed.request("POST", "/api/password", json: ["current": "wrong", "new": "another passphrase"]).status == 403)
        #expect(try await renewed.request("POST", "/api/password", json: ["current": "a brand new passphrase", "new": "short"]).status == 400)

        // Logging out ends the session for good; a page elsewhere cannot do it (no CSRF token).
        #expect(try await renewed.request("POST", "/api/logout", csrf: false).status == 403)
        #expect(try await renewed.get("/api/session").status == 200)
        #expect(try await renewed.request("POST", "/api/logout").status == 204)
        #expect(try await renewed.get("/api/organizations").status == 401)
    }

    @Test func guessingIsSlowedDown() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        _ = try await server.stores.users.add(organizationId: school.id, login: "head", name: "Head", role: .admin, password: Self.password)
        let client = HTTPTestClient(base: "http://127.0.0.1:\(server.port)", token: nil)
        for attempt in 1...5 {
            let reply = try await client.request("POST", "/api/login", json: ["login": "head", "password": "guess \(attempt) guess"])
            #expect(reply.status == 401)
        }
        let blocked = try await client.request("POST", "/api/login", json: ["login": "head", "password": Self.password])
        #expect(blocked.status == 429 && blocked.text.contains("too many failed attempts"), "even the right password waits")
        // Every attempt is counted before its password is checked, the refused one too (hammering on keeps the wait going).
        let metrics = try await server.stores.database.query("SELECT COUNT(*) AS n FROM login_failures")
        #expect(metrics.first?.integer("n") == 6)
    }

    @Test func oneTimeLinksSetUpInviteAndReset() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let stores = server.stores
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        // The first admin, as a fresh server makes them: no password, a set-up link.
        let pending = try await stores.users.add(organizationId: school.id, login: "admin", name: "Administrator", role: .admin)
        let setup = try await stores.users.issueLink(userId: pending.id, purpose: .setup)
        let anonymous = HTTPTestClient(base: "http://127.0.0.1:\(server.port)", token: nil)
        #expect(try await anonymous.request("POST", "/api/login", json: ["login": "admin", "password": ""]).status == 401,
                "nobody signs in as an admin without a password")
        let link = try #require(try await anonymous.get("/api/links/\(setup)").json() as? [String: Any])
        #expect(link["purpose"] as? String == "setup" && link["role"] as? String == "admin")
        let head = try await SessionClient.redeem(server, code: setup, password: Self.password, login: "head@school.example", name: "Head Teacher")
        #expect(try await stores.users.user(login: "head@school.example")?.active == true)
        #expect(try await anonymous.get("/api/links/\(setup)").status == 404, "a link works once")

        // An invitation from the admin; the invited teacher chooses a password through it.
        let invited = try #require(try await head.request("POST", "/api/users", json: ["login": "t.rao", "name": "T. Rao", "role": "teacher"]).json() as? [String: Any])
        let invitation = try #require((invited["link"] as? String)?.split(separator: "=").last.map(String.init))
        #expect(try await anonymous.request("POST", "/api/login", json: ["login": "t.rao", "password": Self.password]).status == 401)
        let teacher = try await SessionClient.redeem(server, code: invitation, password: Self.password)
        #expect(try await teacher.get("/api/session").status == 200)

        // A reset ends the teacher's password and sessions at once; the new link sets another.
        let teacherId = try #require(try await stores.users.user(login: "t.rao")?.id)
        let reset = try #require(try await head.request("POST", "/api/users/\(teacherId)/reset").json() as? [String: Any])
        #expect(try await teacher.get("/api/session").status == 401)
        let code = try #require((reset["link"] as? String)?.split(separator: "=").last.map(String.init))
        _ = try await SessionClient.redeem(server, code: code, password: "a completely new one")
        // The only admin cannot be removed (nobody could then manage people).
        #expect(try await head.request("DELETE", "/api/users/\(head.userId)").status == 409)
        #expect(try await head.request("DELETE", "/api/users/\(teacherId)").status == 204)
    }
}
