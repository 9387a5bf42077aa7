import BackendStore
import DeviceAgent
import Foundation
import StreakTrackProtocol
import Synchronization
import TestSupport
import Testing

/// The device's link against a real streaktrack-server on loopback.
@Suite("Backend link")
struct BackendLinkTests {
    final class Events: Sendable {
        let list = Mutex<[BackendLink.Event]>([])
        func append(_ event: BackendLink.Event) { list.withLock { $0.append(event) } }
        var all: [BackendLink.Event] { list.withLock { $0 } }
        var delivered: Int { all.filter { if case .delivered = $0 { true } else { false } }.count }
    }

    static var fastTiming: BackendLink.Timing {
        var timing = BackendLink.Timing()
        timing.firstRetry = .milliseconds(100)
        timing.maxRetry = .milliseconds(400)
        timing.acknowledgementWait = .seconds(2)
        return timing
    }

    func configuration(port: Int, organizationId: String, directory: String) throws -> AgentConfiguration {
        let path = directory + "/config.json"
        try Data(#"{"website_url":"ws://127.0.0.1:\#(port)","deviceId":"door-1","organizationId":"\#(organizationId)"}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        return try AgentConfiguration.load(path: path)
    }

    /// Marks made before the server exists are all delivered, once, when it comes up;
    /// the roster arrives; acknowledged events leave the outbox.
    @Test func offlineMarksArriveExactlyOnceWhenTheServerComesUp() async throws {
        let port = try freePort()
        let directory = try Fixtures.scratchDirectory()
        let organizationId = ObjectID.make()
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: "2026-11-24")
        let events = Events()
        let link = BackendLink(configuration: try configuration(port: port, organizationId: organizationId, directory: directory),
                               ledger: ledger, timing: Self.fastTiming) { events.append($0) }
        let running = Task { await link.run() }

        // The backend's data exists, but its server is down: marks go to the outbox.
        let serverData = try Fixtures.scratchDirectory()
        let students = try await seed(serverData, organizationId: organizationId)
        try await waitUntil { events.all.contains { if case .disconnected = $0 { true } else { false } } }
        for student in students { _ = try await ledger.record(student, at: Date()) }
        #expect(try await ledger.pending().count == 3)

        // Up it comes.
        let server = try await RunningServer.start(.sqlite, openDevices: true) {
            $0.port = port
            $0.store = .sqlite(dataDirectory: serverData)
        }
        defer { Task { await server.stop() } }
        try await waitUntil(timeout: .seconds(10)) { events.delivered == 3 }
        #expect(try await ledger.pending().isEmpty, "acknowledged events leave the outbox")
        let today = AttendanceTimestamp.day(of: Date())
        #expect(try await server.stores.attendance.records(organizationId: organizationId, day: today).count == 3)
        #expect(events.all.contains { if case .roster = $0 { true } else { false } }, "the roster arrived")
        running.cancel()
        await running.value
        await ledger.close()
    }

    /// A link and its ledger for `organizationId` at `port`, already running.
    func startDevice(port: Int, organizationId: String) async throws -> (AttendanceLedger, Events, BackendLink, Task<Void, Never>) {
        let directory = try Fixtures.scratchDirectory()
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: AttendanceTimestamp.day(of: Date()))
        let events = Events()
        let link = BackendLink(configuration: try configuration(port: port, organizationId: organizationId, directory: directory),
                               ledger: ledger, timing: Self.fastTiming) { events.append($0) }
        return (ledger, events, link, Task { await link.run() })
    }

    /// Three students on a backend whose data lives in `directory`.
    func seed(_ directory: String, organizationId: String) async throws -> [RosterStudent] {
        let stores = try await BackendStores.open(.sqlite(dataDirectory: directory))
        _ = try await stores.roster.addOrganization(name: "Springfield High", id: organizationId)
        var students: [RosterStudent] = []
        for i in 0..<3 {
            let s = try await stores.roster.addStudent(organizationId: organizationId, name: "Student \(i)", enrollmentNo: "\(i)")
            students.append(RosterStudent(id: s.id, name: s.name, enrollmentNo: s.enrollmentNo, images: []))
        }
        await stores.database.close()
        return students
    }

    @Test func theServerDyingInTheMiddleLosesNothing() async throws {
        let port = try freePort()
        let data = try Fixtures.scratchDirectory()
        let organizationId = ObjectID.make()
        let students = try await seed(data, organizationId: organizationId)
        var server = try await RunningServer.start(.sqlite, openDevices: true) { $0.port = port; $0.store = .sqlite(dataDirectory: data) }
        let (ledger, events, link, running) = try await startDevice(port: port, organizationId: organizationId)
        try await waitUntil { events.all.contains(.connected) }
        _ = try await ledger.record(students[0], at: Date())
        await link.deliverPending()
        try await waitUntil { events.delivered == 1 }

        await server.stop()
        try await waitUntil { events.all.contains { if case .disconnected = $0 { true } else { false } } }
        for student in students.dropFirst() { _ = try await ledger.record(student, at: Date()) }
        #expect(try await ledger.pending().count == 2)

        server = try await RunningServer.start(.sqlite, openDevices: true) { $0.port = port; $0.store = .sqlite(dataDirectory: data) }
        try await waitUntil(timeout: .seconds(10)) { events.delivered == 3 }
        let records = try await server.stores.attendance.records(organizationId: organizationId, day: AttendanceTimestamp.day(of: Date()))
        #expect(records.count == 3)
        #expect(try await ledger.pending().isEmpty)
        running.cancel()
        await running.value
        await server.stop()
    }

    /// The original backend never acknowledges: an event written to it counts as delivered.
    @Test func anOriginalBackendGetsEachMarkOnce() async throws {
        let port = try freePort()
        let data = try Fixtures.scratchDirectory()
        let organizationId = ObjectID.make()
        let students = try await seed(data, organizationId: organizationId)
        let server = try await RunningServer.start(.sqlite, openDevices: true) {
            $0.port = port
            $0.store = .sqlite(dataDirectory: data)
            $0.acknowledgements = false
        }
        defer { Task { await server.stop() } }
        let (ledger, events, link, running) = try await startDevice(port: port, organizationId: organizationId)
        try await waitUntil { events.all.contains(.connected) }
        _ = try await ledger.record(students[0], at: Date())
        await link.deliverPending()
        try await waitUntil(timeout: .seconds(5)) { events.delivered == 1 }
        #expect(try await ledger.pending().isEmpty)
        #expect(try await server.stores.attendance.records(organizationId: organizationId, day: AttendanceTimestamp.day(of: Date())).count == 1)
        running.cancel()
        await running.value
    }
}
