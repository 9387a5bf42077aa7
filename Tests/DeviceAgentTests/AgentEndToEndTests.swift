import BackendStore
import DeviceAgent
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The whole device against a real streaktrack-server on loopback: the roster
/// with photos comes over the socket, photos over HTTP, a clip of enrolled
/// people and a stranger plays through the camera, and the marks arrive.
@Suite("Device end to end")
struct AgentEndToEndTests {
    @Test func enrolledPeopleInTheClipAreMarkedOnceAndTheStrangerIsNot() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let secret = try await server.register(device: "door-1", organization: school.id)
        var ids: [String: String] = [:]
        for (person, photos) in [("barack_obama", [1, 3]), ("joe_biden", [1]), ("john_salley", [1, 3]), ("paul_rudd", [1])] {
            let uploads = try photos.map { try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("\(person)/\($0).jpg"))))) }
            ids[person] = try await server.stores.roster.addStudent(organizationId: school.id, name: person, enrollmentNo: person,
                                                                    photos: uploads).id
        }
        // Obama comes back at the end: already marked, so `detected` this time.
        let clip = try await Clips.make(of: ["barack_obama/2.jpg", "chris_pratt/1.jpg", "joe_biden/2.jpg", "john_salley/2.jpg",
                                             "barack_obama/2.jpg"])
        let directory = try Fixtures.scratchDirectory()
        try Data("""
            {"website_url":"ws://127.0.0.1:\(server.port)","deviceId":"door-1","deviceSecret":"\(secret)","organizationId":"\(school.id)","camera":"\(clip)",
             "detectedInterval":0}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let dashboard = try await server.dashboard(watching: "door-1", organization: school.id)
        let configuration = try AgentConfiguration.load(path: directory + "/config.json")

        let runtime = AgentRuntime(configuration: configuration, engine: await Fixtures.engine, output: SilentFeedback(), realTime: false)
        let summary = try await runtime.run()
        #expect(summary.frames == 25)
        #expect(Set(summary.marks.keys) == [ids["barack_obama"]!, ids["joe_biden"]!, ids["john_salley"]!])
        #expect(summary.undelivered == 0)
        let records = try await server.stores.attendance.records(organizationId: school.id, day: AttendanceTimestamp.day(of: Date()))
        #expect(Set(records.map(\.studentId)) == Set(summary.marks.keys), "the server has exactly the device's marks")
        #expect(records.allSatisfy { $0.deviceId == "door-1" })
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/attendance.json"))) as? [String: String]
        #expect(file == summary.marks, "attendance.json agrees")
        // Faces, marks and the outbox are the device user's alone.
        for name in ["student_faces.db", "agent.db", "attendance.json"] {
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name): \(String(mode ?? 0, radix: 8))")
        }

        // What the dashboard saw: one attendance per enrolled person, with the original body, then Obama's detected.
        var seen: [(type: String, studentId: String)] = []
        while let text = (try? await dashboard.next(timeout: .milliseconds(500))) ?? nil {
            let object = try JSONObject(parsing: text)
            guard let type = object.string("type"), let student = object.object("student") else { continue }
            #expect(student.string("deviceId") == "door-1" && student.string("timestamp")?.count == 19)
            seen.append((type, student.string("studentId") ?? ""))
        }
        #expect(seen.filter { $0.type == "attendance" }.map(\.studentId) == [ids["barack_obama"]!, ids["joe_biden"]!, ids["john_salley"]!])
        let detected = seen.filter { $0.type == "detected" }
        #expect(!detected.isEmpty && detected.allSatisfy { $0.studentId == ids["barack_obama"]! }, "\(seen)")
    }
}
