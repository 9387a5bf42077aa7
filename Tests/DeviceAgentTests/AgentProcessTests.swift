import ChildProcess
import BackendStore
import DeviceAgent
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// `streaktrack run` as a process (every frame of the clip, `--fast`, so that the
/// outcome does not depend on how busy the machine is): killed with SIGKILL in the middle and
/// started again, online and offline; every mark arrives exactly once.
@Suite("Device process killed and restarted", .serialized)
struct AgentProcessTests {
    struct School {
        let server: RunningServer
        let organization: String
        let students: [String: String]
        let secret: String
    }

    func school(port: Int? = nil, store: BackendStores.Location? = nil) async throws -> School {
        let server = try await RunningServer.start(.sqlite) { configuration in
            if let port { configuration.port = port }
            if let store { configuration.store = store }
        }
        let organization = try await server.stores.roster.addOrganization(name: "Springfield High", id: "65f0c1a2b3c4d5e6f7a8b9c0")
        var students: [String: String] = [:]
        for (person, photo) in [("barack_obama", 1), ("joe_biden", 1), ("john_salley", 1)] {
            let upload = try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("\(person)/\(photo).jpg")))))
            students[person] = try await server.stores.roster.addStudent(organizationId: organization.id, name: person, enrollmentNo: person,
                                                                         photos: [upload]).id
        }
        let secret = try await server.register(device: "door-1", organization: organization.id)
        return School(server: server, organization: organization.id, students: students, secret: secret)
    }

    func writeConfig(in directory: String, port: Int, clip: String, secret: String) throws {
        try Data("""
            {"website_url":"ws://127.0.0.1:\(port)","deviceId":"door-1","organizationId":"65f0c1a2b3c4d5e6f7a8b9c0","deviceSecret":"\(secret)",
             "camera":"\(clip)","display":"none"}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
    }

    func marks(in directory: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: directory + "/attendance.json") else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: String] ?? [:]
    }

    /// Starts the device; returns it running.
    func startDevice(in directory: String, fast: Bool = true, report: String? = nil, log: String? = nil) throws -> ChildProcess {
        try ChildProcess(Fixtures.executable("streaktrack"),
                         ["run"] + (fast ? ["--fast"] : []) + ["--config", directory + "/config.json"] + (report.map { ["--report", $0] } ?? []),
                         output: .null, errors: log.map { .file($0) } ?? .null)
    }

    func killOnceMarked(_ process: ChildProcess, directory: String) async throws {
        try await waitUntil(timeout: .seconds(60)) { !marks(in: directory).isEmpty || !process.isRunning }
        #expect(process.isRunning, "killed in the middle, not after the end")
        process.send(SIGKILL)
        #expect(process.wait() == 128 + SIGKILL)
    }

    func runToTheEnd(in directory: String, report: String? = nil, log: String? = nil) async throws {
        let process = try startDevice(in: directory, report: report, log: log)
        try await waitUntil(timeout: .seconds(90)) { !process.isRunning }
        #expect(process.wait() == 0)
    }

    @Test("killed online after its first mark, restarted: every mark exactly once")
    func killedOnline() async throws {
        let school = try await school()
        defer { Task { await school.server.stop() } }
        let clip = try await Clips.make(of: ["barack_obama/2.jpg", "chris_pratt/1.jpg", "joe_biden/2.jpg", "john_salley/2.jpg"])
        let directory = try Fixtures.scratchDirectory()
        try writeConfig(in: directory, port: school.server.port, clip: clip, secret: school.secret)
        try await killOnceMarked(try startDevice(in: directory), directory: directory)
        try await runToTheEnd(in: directory, report: directory + "/report.json", log: directory + "/device.log")

        let expected = Set(school.students.values)
        #expect(Set(marks(in: directory).keys) == expected)
        // The restarted run says what it did: in its log, and in the report it was asked for.
        let log = try String(contentsOfFile: directory + "/device.log", encoding: .utf8)
        #expect(log.contains("camera started: \(clip)"))
        #expect(expected.allSatisfy { log.contains("decided: student \($0)") }, "each decision logged with its frame: \(log.suffix(2000))")
        let report = try JSONDecoder().decode(RecognitionReport.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/report.json")))
        #expect(report.frames.decoded == 20 && report.frames.delivered == 20 && report.frames.dropped == 0)
        #expect(Set(report.timeline.tracks.flatMap(\.decisions).map(\.who)).isSuperset(of: expected) && report.processCPUSeconds > 0)
        let records = try await school.server.stores.attendance.records(organizationId: school.organization, day: AttendanceTimestamp.day(of: Date()))
        #expect(records.count == 3 && Set(records.map(\.studentId)) == expected, "each student stored once")
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: AttendanceTimestamp.day(of: Date()))
        #expect(try await ledger.pending().isEmpty, "nothing left to send")
        await ledger.close()
    }

    @Test("killed while the server is down, restarted when it is up: the outbox is delivered once")
    func killedOffline() async throws {
        let port = try freePort(), store = try StoreKind.sqlite.freshLocation()
        let first = try await school(port: port, store: store)
        let directory = try Fixtures.scratchDirectory()
        // Online with only a stranger at the door: the roster is synced, nobody marked.
        try writeConfig(in: directory, port: port, clip: try await Clips.make(of: ["chris_pratt/1.jpg"]), secret: first.secret)
        try await runToTheEnd(in: directory)
        #expect(marks(in: directory).isEmpty)
        await first.server.stop()

        // The backend is down: marks go to the outbox; the device is killed midway.
        try writeConfig(in: directory, port: port,
                        clip: try await Clips.make(of: ["barack_obama/2.jpg", "joe_biden/2.jpg", "john_salley/2.jpg", "chris_pratt/1.jpg"]),
                        secret: first.secret)
        try await killOnceMarked(try startDevice(in: directory), directory: directory)
        var ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: AttendanceTimestamp.day(of: Date()))
        #expect(try await ledger.pending().count >= 1, "the marks made offline wait in the outbox")
        await ledger.close()

        // The backend is back (same store, same port); the device restarts and plays the clip again.
        let second = try await RunningServer.start(.sqlite) { $0.port = port; $0.store = store }
        defer { Task { await second.stop() } }
        try await runToTheEnd(in: directory)
        let expected = Set(first.students.values)
        #expect(Set(marks(in: directory).keys) == expected)
        let records = try await second.stores.attendance.records(organizationId: first.organization, day: AttendanceTimestamp.day(of: Date()))
        #expect(records.count == 3 && Set(records.map(\.studentId)) == expected, "each student stored once")
        ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: AttendanceTimestamp.day(of: Date()))
        #expect(try await ledger.pending().isEmpty, "nothing left to send")
        await ledger.close()
    }

    @Test("SIGTERM stops it cleanly and soon, with its marks kept")
    func terminatedCleanly() async throws {
        let school = try await school()
        defer { Task { await school.server.stop() } }
        // Twelve seconds in real time: still playing when the signal comes.
        let clip = try await Clips.make(of: ["barack_obama/2.jpg", "chris_pratt/1.jpg", "joe_biden/2.jpg", "john_salley/2.jpg",
                                             "chris_pratt/1.jpg", "chris_pratt/1.jpg", "chris_pratt/1.jpg", "chris_pratt/1.jpg",
                                             "chris_pratt/1.jpg", "chris_pratt/1.jpg", "chris_pratt/1.jpg", "chris_pratt/1.jpg"])
        let directory = try Fixtures.scratchDirectory()
        try writeConfig(in: directory, port: school.server.port, clip: clip, secret: school.secret)
        let device = try startDevice(in: directory, fast: false)
        try await waitUntil(timeout: .seconds(60)) { !marks(in: directory).isEmpty || !device.isRunning }
        try #require(device.isRunning)
        let signalled = ContinuousClock.now
        device.send(SIGTERM)
        try await waitUntil(timeout: .seconds(10)) { !device.isRunning }
        let took = ContinuousClock.now - signalled
        print("stopped \(took) after SIGTERM")
        #expect(device.wait() == 0)
        #expect(took < .seconds(5), "stops within seconds: \(took)")
        let kept = marks(in: directory)
        #expect(!kept.isEmpty)
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: AttendanceTimestamp.day(of: Date()))
        #expect(try await ledger.marks() == kept, "attendance.json and the ledger agree")
        await ledger.close()
    }
}
