import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The device on another host (a network namespace of its own, joined by a
/// veth pair): the backend started as for a school, on all interfaces with no
/// public URL given, so the roster's photo links name this machine's network
/// address; the device reaches it only across that link, downloads the photos
/// from those links and marks the people in its clip.
@Suite("Device on another host")
struct OtherHostTests {
    @Test func aDeviceOnAnotherHostDownloadsThePhotosAndMarks() async throws {
        let door = try await NetworkNamespace.create()
        defer { door.delete() }
        let server = try await RunningServer.start(.sqlite) { $0.host = "0.0.0.0" }
        defer { Task { await server.stop() } }
        let photoHost = try #require(URL(string: server.server.publicURL)?.host)
        #expect(photoHost != "127.0.0.1", "the roster names a network address: \(server.server.publicURL)")

        let organization = try await server.stores.roster.addOrganization(name: "Springfield High", id: "65f0c1a2b3c4d5e6f7a8b9c1")
        let secret = try await server.register(device: "door-1", organization: organization.id)
        var enrolled: Set<String> = []
        for person in ["barack_obama", "joe_biden"] {
            let photo = try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("\(person)/1.jpg")))))
            enrolled.insert(try await server.stores.roster.addStudent(organizationId: organization.id, name: person, enrollmentNo: person,
                                                                      photos: [photo]).id)
        }

        // The other host cannot take a short cut through loopback.
        let loopback = try await door.run("/bin/bash", ["-c", "exec 3<>/dev/tcp/127.0.0.1/\(server.port)"])
        #expect(loopback.status != 0, "the server is not on the other host's loopback")

        let directory = try Fixtures.scratchDirectory()
        let clip = try await Clips.make(of: ["barack_obama/2.jpg", "chris_pratt/1.jpg", "joe_biden/2.jpg"])
        try Data("""
            {"website_url":"ws://\(door.hostAddress):\(server.port)","deviceId":"door-1","organizationId":"\(organization.id)",
             "deviceSecret":"\(secret)","allowPlaintextSecret":true,
             "camera":"\(clip)","display":"none"}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let run = try await door.run(Fixtures.executable("streaktrack"), ["run", "--fast", "--config", directory + "/config.json"])
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")

        let marks = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/attendance.json")))) as? [String: String]
        #expect(Set(marks?.keys ?? [:].keys) == enrolled, "both enrolled people marked on the device")
        let records = try await server.stores.attendance.records(organizationId: organization.id, day: AttendanceTimestamp.day(of: Date()))
        #expect(Set(records.map(\.studentId)) == enrolled && records.count == 2, "and stored once each by the backend")
        #expect(records.allSatisfy { $0.deviceId == "door-1" })
    }
}
