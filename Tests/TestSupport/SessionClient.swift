import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A person signed in to a test server, as a browser is: the session cookie on
/// every request and the CSRF token on every change; nothing shared with other
/// clients (each has its own cookie, kept by hand).
public final class SessionClient: Sendable {
    public let base: String
    public let cookie: String
    public let csrf: String
    public let userId: String
    public let organizationId: String

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    private static let transport: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return URLSession(configuration: configuration)
    }()

    /// Signs in with a login and password.
    public static func signIn(_ server: RunningServer, login: String, password: String) async throws -> SessionClient {
        let base = "http://127.0.0.1:\(server.port)"
        let reply = try await send(base: base, "POST", "/api/login", json: ["login": login, "password": password], headers: [:])
        return try SessionClient(base: base, reply: reply)
    }

    /// Signs in through a one-time link (set-up, invitation or reset).
    public static func redeem(_ server: RunningServer, code: String, password: String, login: String? = nil, name: String? = nil) async throws -> SessionClient {
        let base = "http://127.0.0.1:\(server.port)"
        var body: [String: Any] = ["password": password]
        if let login { body["login"] = login }
        if let name { body["name"] = name }
        return try SessionClient(base: base, reply: try await send(base: base, "POST", "/api/links/\(code)", json: body, headers: [:]))
    }

    private init(base: String, reply: HTTPTestClient.Reply) throws {
        guard reply.status == 200, let setCookie = reply.headers["set-cookie"],
              let value = setCookie.split(separator: ";").first, let json = try reply.json() as? [String: Any], let csrf = json["csrf"] as? String
        else { throw Refused(description: "sign-in refused: \(reply.status) \(reply.text)") }
        self.base = base
        cookie = String(value)
        self.csrf = csrf
        let user = json["user"] as? [String: Any]
        userId = user?["id"] as? String ?? ""
        organizationId = user?["organizationId"] as? String ?? ""
    }

    /// A request as the page makes it; `csrf: false` leaves the token out (as a forged request would).
    public func request(_ method: String, _ path: String, json: Any? = nil, csrf: Bool = true, body: Data? = nil) async throws -> HTTPTestClient.Reply {
        var headers = ["Cookie": cookie]
        if csrf { headers["X-CSRF-Token"] = self.csrf }
        return try await Self.send(base: base, method, path, json: json, body: body, headers: headers)
    }

    public func get(_ path: String) async throws -> HTTPTestClient.Reply { try await request("GET", path) }

    static func send(base: String, _ method: String, _ path: String, json: Any? = nil, body: Data? = nil,
                     headers: [String: String]) async throws -> HTTPTestClient.Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        } else if let body {
            request.httpBody = body
        }
        let (data, response) = try await transport.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return HTTPTestClient.Reply(status: http.statusCode, body: data, headers: fields)
    }
}
