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
        var ids: [String: String] = [:]
        for (person, photos) in [("barack_obama", [1, 3]), ("joe_biden", [1]), ("john_salley", [1, 3]), ("paul_rudd", [1])] {
            let uploads = try photos.map { try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("\(person)/\($0).jpg"))))) }
            ids[person] = try await server.stores.roster.addStudent(organizationId: school.id, name: person, enrollmentNo: person,
                                                                    photos: uploads).id
        }
        let clip = try await Clips.make(of: ["barack_obama/2.jpg", "chris_pratt/1.jpg", "joe_biden/2.jpg", "john_salley/2.jpg"])
        let directory = try Fixtures.scratchDirectory()
        try Data("""
            {"website_url":"ws://127.0.0.1:\(server.port)","deviceId":"door-1","organizationId":"\(school.id)","camera":"\(clip)"}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let configuration = try AgentConfiguration.load(path: directory + "/config.json")

        let runtime = AgentRuntime(configuration: configuration, engine: await Fixtures.engine, output: SilentFeedback(), realTime: false)
        let summary = try await runtime.run()
        #expect(summary.frames == 20)
        #expect(Set(summary.marks.keys) == [ids["barack_obama"]!, ids["joe_biden"]!, ids["john_salley"]!])
        #expect(summary.undelivered == 0)
        let records = try await server.stores.attendance.records(organizationId: school.id, day: AttendanceTimestamp.day(of: Date()))
        #expect(Set(records.map(\.studentId)) == Set(summary.marks.keys), "the server has exactly the device's marks")
        #expect(records.allSatisfy { $0.deviceId == "door-1" })
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/attendance.json"))) as? [String: String]
        #expect(file == summary.marks, "attendance.json agrees")
    }
}
