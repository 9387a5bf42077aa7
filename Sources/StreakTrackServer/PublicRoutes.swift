import BackendStore
import Foundation
import Hummingbird
import StreakTrackProtocol

/// What needs no admin token: photos behind signed links (devices fetch them),
/// the dashboard's files (it asks for the token itself), health and metrics.
struct PublicRoutes: Sendable {
    let services: ServerServices
    let dashboard: DashboardFiles

    func register(on router: Router<ServerRequestContext>) {
        router.get("photos/:id") { request, context in
            let id = try context.parameters.require("id")
            try await authorizePhoto(id, request: request)
            guard let photo = try await services.stores.roster.photo(id) else { throw APIError(.notFound, "no photo \(id)") }
            // A photo id is never reused, so the photo never changes; only its holder may keep it.
            if request.headers[.ifNoneMatch] == "\"\(photo.sha256)\"" { return Response(status: .notModified) }
            return Response(status: .ok,
                            headers: [.contentType: photo.contentType, .eTag: "\"\(photo.sha256)\"",
                                      .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: photo.bytes)))
        }
        router.get("photos/:id/face") { request, context in
            let id = try context.parameters.require("id")
            try await authorizePhoto(id, request: request)
            guard let thumbnail = try await services.stores.roster.faceThumbnail(id) else {
                throw APIError(.notFound, "photo \(id) has no face thumbnail (it was enrolled before faces were kept)")
            }
            return Response(status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: thumbnail)))
        }
        // Ready or not, for anyone (a load balancer); why not, and which instance, only for the admin.
        // The store was migrated before the server began to listen, so a reachable store is ready.
        router.get("healthz") { request, _ in
            let detailed = if case .adminToken? = try? await services.principal(for: request, checkingCSRF: false) { true } else { false }
            let instance = services.configuration.instanceName
            do {
                try await services.stores.database.query("SELECT 1")
                return try JSONResponse.make(detailed ? ["status": "ok", "store": services.stores.database.dialect.rawValue, "instance": instance,
                                                         "version": StreakTrackVersion.number, "schema": String(BackendStores.schemaVersion)]
                                                      : ["status": "ok"])
            } catch {
                return try JSONResponse.make(detailed ? ["status": "unavailable", "error": "store unreachable: \(error)", "instance": instance]
                                                      : ["status": "unavailable"], status: .serviceUnavailable)
            }
        }
        // Alive: the process answers, whatever its store does (a balancer restarts what is not alive,
        // and only sends work to what is ready).
        router.get("healthz/live") { _, _ in
            try JSONResponse.make(["status": "alive"])
        }
        // The REST API's description, for scripts and tools (what it says is no secret).
        router.get("api/openapi.json") { _, _ in
            guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "OpenAPI"),
                  let data = FileManager.default.contents(atPath: url.path) else { throw APIError(.notFound, "the API description is missing") }
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: services.metrics.exposition())))
        }
        router.get("/") { _, _ in dashboard.response("index.html") }
        router.get("dashboard/:file") { _, context in dashboard.response(try context.parameters.require("file")) }
    }
}

extension PublicRoutes {
    /// A photo goes to a signed, unexpired link (a device's roster, the dashboard),
    /// to the admin token, or to someone signed in who may see the student; to nobody else.
    private func authorizePhoto(_ id: String, request: Request) async throws {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value).removingPercentEncoding }
        let verdict = services.photoLinks.check(photoId: id, query: query)
        if verdict == .valid { return }
        if let principal = try await services.principal(for: request, checkingCSRF: false) {
            guard let owner = try await services.stores.roster.photo(id)?.studentId else { throw APIError(.notFound, "no photo \(id)") }
            if (try? await services.operations.requireStudent(owner, for: principal)) != nil { return }
        }
        switch verdict {
        case .valid: return
        case .expired: throw APIError(.forbidden, "this photo link has expired; devices get fresh links with every roster")
        case .forged: throw APIError(.forbidden, "this photo link is not valid")
        case .unsigned: throw APIError(.unauthorized, "a photo needs a signed link from a roster, or the admin token")
        }
    }
}

/// The dashboard's HTML, CSS and JavaScript, read once from the target's resources.
struct DashboardFiles: Sendable {
    private let files: [String: (type: String, bytes: [UInt8])]

    init() {
        var files: [String: (String, [UInt8])] = [:]
        let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"]
        if let folder = Bundle.module.url(forResource: "Dashboard", withExtension: nil),
           let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for name in names {
                guard let type = types[(name as NSString).pathExtension],
                      let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
                files[name] = (type, Array(data))
            }
        }
        self.files = files
    }

    func response(_ name: String) -> Response {
        guard let file = files[name] else { return JSONResponse.error("no such file", status: .notFound) }
        return Response(status: .ok, headers: [
            .contentType: file.type,
            .cacheControl: "no-cache",
            // Everything the page loads is its own; no inline script, no other origin.
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; style-src 'self'; frame-ancestors 'none'",
        ], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
