import BackendStore
import Foundation
import Logging
import StreakTrackProtocol
import StreakTrackServer
import Synchronization

/// A real streaktrack-server on a free loopback port, for one test.
public final class RunningServer: Sendable {
    public let server: StreakTrackServer
    public let port: Int
    public let adminToken: String
    private let task: Task<Void, any Error>

    public var stores: BackendStores { server.stores }
    public var http: HTTPTestClient { HTTPTestClient(base: "http://127.0.0.1:\(port)", token: adminToken) }
    public var anonymousHTTP: HTTPTestClient { HTTPTestClient(base: "http://127.0.0.1:\(port)", token: nil) }

    /// `openDevices`: admit unregistered device ids, as the original backend (and
    /// `streaktrack-server --open-devices`) does; off, as a server starts by default.
    public static func start(_ kind: StoreKind, openDevices: Bool = false,
                             configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RunningServer {
        var configuration = ServerConfiguration(faceEngine: await Fixtures.engine, host: "127.0.0.1", port: 0, store: try kind.freshLocation(),
                                                rosterPollInterval: .milliseconds(200))
        configuration.openDevices = openDevices
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

    public func socket(_ query: String, headers: [String: String] = [:]) async throws -> TestSocket {
        try await TestSocket.connect("ws://127.0.0.1:\(port)/api/ws?\(query)", headers: headers)
    }

    /// A device connection; `secret` goes in the header a registered device sends it in.
    public func device(_ id: String, organization: String, extra: String = "", secret: String? = nil,
                       headers: [String: String] = [:]) async throws -> TestSocket {
        var headers = headers
        if let secret { headers[ConnectionParameters.secretHeader] = secret }
        return try await socket("deviceId=\(id)&organizationId=\(organization)&isHardware=true\(extra)", headers: headers)
    }

    /// Registers a device (or gives a registered one a new secret) and returns its secret.
    public func register(device id: String, organization: String, admitWithoutSecret: Bool = false) async throws -> String {
        let door = DeviceKey(id, of: organization)
        if try await stores.devices.device(door) != nil {
            try await stores.devices.setAdmitWithoutSecret(admitWithoutSecret, device: door)
            return try await stores.devices.renewSecret(door)
        }
        return try await stores.devices.register(id: id, organizationId: organization, name: id, admitWithoutSecret: admitWithoutSecret)
    }

    /// A dashboard signed in with the admin token, which it offers as a WebSocket
    /// subprotocol the way the dashboard's page does.
    public func dashboard(watching id: String, organization: String, extra: String = "",
                          headers: [String: String] = [:]) async throws -> TestSocket {
        var headers = headers
        headers["Sec-WebSocket-Protocol"] = "streaktrack, bearer.\(adminToken)"
        return try await socket("deviceId=\(id)&organizationId=\(organization)&isHardware=false\(extra)", headers: headers)
    }

    /// A dashboard with no credentials at all.
    public func anonymousDashboard(watching id: String, organization: String, headers: [String: String] = [:]) async throws -> TestSocket {
        try await socket("deviceId=\(id)&organizationId=\(organization)&isHardware=false", headers: headers)
    }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A school with one student who has one photo.
public struct SampleSchool {
    public let organizationId: String
    public let studentId: String
    public let photoId: String

    public static let photo: [UInt8] = Array(try! Data(contentsOf: URL(fileURLWithPath: Fixtures.face("john_salley/1.jpg"))))

    public static func create(in stores: BackendStores) async throws -> SampleSchool {
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        let student = try await stores.roster.addStudent(organizationId: school.id, name: "Asha Verma", enrollmentNo: "0801CS211",
                                                         photos: [try PhotoUpload(bytes: photo)])
        return SampleSchool(organizationId: school.id, studentId: student.id, photoId: student.photoIds[0])
    }

    public func attendance(_ type: String = "attendance", timestamp: String = "2026-11-24 09:01:07", eventId: String? = nil,
                    device: String = "door-1") -> String {
        var text = #"{"type":"\#(type)","student":{"name":"Asha Verma","enrollmentNo":"0801CS211","deviceId":"\#(device)","studentId":"\#(studentId)","timestamp":"\#(timestamp)"}"#
        if let eventId { text += #","eventId":"\#(eventId)""# }
        return text + "}"
    }
}

/// A TCP port nobody listens on right now (for a server started later in a test).
public func freePort() throws -> Int {
    guard let port = bindTCP(port: 0) else { throw TestSocket.TimedOut(description: "no free port") }
    return port
}

/// Whether nobody listens on `port` on any interface right now.
public func portIsFree(_ port: Int) -> Bool {
    bindTCP(port: port, anyInterface: true) != nil
}

/// 127.0.0.1 (or every interface) at `port`, as the socket calls want it.
public func socketAddress(port: Int, anyInterface: Bool = false) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = anyInterface ? INADDR_ANY : inet_addr("127.0.0.1")
    return address
}

/// Binds a throwaway socket to `port` and returns the port it got, or nil when taken.
private func bindTCP(port: Int, anyInterface: Bool = false) -> Int? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = socketAddress(port: port, anyInterface: anyInterface)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
}

/// Polls `condition` until it holds, for state that settles asynchronously.
public func waitUntil(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw TestSocket.TimedOut(description: "condition not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}
