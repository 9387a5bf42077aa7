import BackendStore
import Foundation
import Logging
import StreakTrackServer
import Synchronization
import TestSupport

/// A real streaktrack-server on a free loopback port, for one test.
final class RunningServer: Sendable {
    let server: StreakTrackServer
    let port: Int
    let adminToken: String
    private let task: Task<Void, any Error>

    var stores: BackendStores { server.stores }
    var http: HTTPTestClient { HTTPTestClient(base: "http://127.0.0.1:\(port)", token: adminToken) }
    var anonymousHTTP: HTTPTestClient { HTTPTestClient(base: "http://127.0.0.1:\(port)", token: nil) }

    static func start(_ kind: StoreKind, configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, store: try kind.freshLocation(),
                                                rosterPollInterval: .milliseconds(200))
        configure(&configuration)
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        let server = try await StreakTrackServer.open(configuration, logger: logger)
        let token = try await server.stores.settings.resetAdminToken()
        let port = Mutex<Int?>(nil)
        let task = Task { try await server.run { bound in port.withLock { $0 = bound } } }
        let deadline = ContinuousClock.now + .seconds(30)
        while port.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else { task.cancel(); throw TestSocket.TimedOut(description: "server did not start") }
            try await Task.sleep(for: .milliseconds(5))
        }
        return RunningServer(server: server, port: port.withLock { $0! }, adminToken: token, task: task)
    }

    private init(server: StreakTrackServer, port: Int, adminToken: String, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.adminToken = adminToken
        self.task = task
    }

    func socket(_ query: String, headers: [String: String] = [:]) async throws -> TestSocket {
        try await TestSocket.connect("ws://127.0.0.1:\(port)/api/ws?\(query)", headers: headers)
    }

    func device(_ id: String, organization: String, extra: String = "", headers: [String: String] = [:]) async throws -> TestSocket {
        try await socket("deviceId=\(id)&organizationId=\(organization)&isHardware=true\(extra)", headers: headers)
    }

    func dashboard(watching id: String, organization: String, extra: String = "") async throws -> TestSocket {
        try await socket("deviceId=\(id)&organizationId=\(organization)&isHardware=false\(extra)")
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A school with one student who has one photo.
struct SampleSchool {
    let organizationId: String
    let studentId: String
    let photoId: String

    static let photo: [UInt8] = Array(try! Data(contentsOf: URL(fileURLWithPath: Fixtures.face("john_salley/1.jpg"))))

    static func create(in stores: BackendStores) async throws -> SampleSchool {
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        let student = try await stores.roster.addStudent(organizationId: school.id, name: "Asha Verma", enrollmentNo: "0801CS211",
                                                         photos: [try PhotoUpload(bytes: photo)])
        return SampleSchool(organizationId: school.id, studentId: student.id, photoId: student.photoIds[0])
    }

    func attendance(_ type: String = "attendance", timestamp: String = "2026-11-24 09:01:07", eventId: String? = nil,
                    device: String = "door-1") -> String {
        var text = #"{"type":"\#(type)","student":{"name":"Asha Verma","enrollmentNo":"0801CS211","deviceId":"\#(device)","studentId":"\#(studentId)","timestamp":"\#(timestamp)"}"#
        if let eventId { text += #","eventId":"\#(eventId)""# }
        return text + "}"
    }
}
