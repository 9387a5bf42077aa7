import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// What our backend adds, invisible to an old peer: acknowledgements, roster
/// pushes and device status. (Who may connect at all: `AccessTests`.)
@Suite("Backend extensions")
struct ExtensionsTests {
    @Test(arguments: StoreKind.allCases)
    func acknowledgedDeliveryStoresOnceAndAcknowledgesResends(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId, extra: "&ack=1")
        _ = try await device.next()
        let dashboard = try await server.dashboard(watching: "door-1", organization: school.organizationId)

        try await device.send(school.attendance(eventId: "evt-1"))
        #expect(try await device.next() == #"{"type":"ack","eventId":"evt-1","status":"stored"}"#)
        #expect(try await dashboard.next() == school.attendance(eventId: "evt-1"))
        try await device.send(school.attendance(eventId: "evt-1"))
        #expect(try await device.next() == #"{"type":"ack","eventId":"evt-1","status":"duplicate"}"#)
        try await device.send(school.attendance(timestamp: "2026-11-24 10:00:00", eventId: "evt-2"))
        #expect(try await device.next() == #"{"type":"ack","eventId":"evt-2","status":"duplicate"}"#, "already marked that day")
        try await device.send(#"{"type":"attendance","student":{"studentId":"65f0c1000000000000000009","timestamp":"2026-11-24 09:00:00"},"eventId":"evt-3"}"#)
        #expect(try await device.next() == #"{"type":"ack","eventId":"evt-3","status":"rejected"}"#, "not on the roster")
        #expect(try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1)
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await dashboard.next(timeout: .milliseconds(300)) == school.attendance(timestamp: "2026-11-24 10:00:00", eventId: "evt-2"),
                "a second mark of the day is forwarded, as the original does; the resent evt-1 is not")
        await device.close()
        await dashboard.close()
    }

    @Test func anOldDeviceNeverSeesAnAcknowledgement() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        _ = try await device.next()
        try await device.send(school.attendance(eventId: "evt-1"))
        try await waitUntil { try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1 }
        // The next thing it hears is a roster push, not an ack.
        _ = try await server.stores.roster.addStudent(organizationId: school.organizationId, name: "Ravi", enrollmentNo: "2")
        let next = try #require(try await device.next())
        #expect(next.hasPrefix(#"{"students":["#))
        await device.close()
    }

    @Test(arguments: StoreKind.allCases)
    func rosterChangesArePushedWithoutReconnecting(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        let otherSchool = try await server.stores.roster.addOrganization(name: "Elsewhere")
        let stranger = try await server.device("door-9", organization: otherSchool.id)
        _ = try await device.next()
        #expect(try await stranger.next() == #"{"students":[]}"#)

        // Through the REST API: pushed at once.
        let photo = SampleSchool.photo
        let created = try await server.http.request("POST", "/api/students", json: [
            "organizationId": school.organizationId, "name": "Ravi Kumar", "enrollmentNo": "0801CS212",
            "photos": [Data(photo).base64EncodedString()],
        ])
        #expect(created.status == 201, "\(created.text)")
        let pushed = try await device.next(containing: "Ravi Kumar")
        let roster = try #require(try JSONSerialization.jsonObject(with: Data(pushed.utf8)) as? [String: Any])
        #expect((roster["students"] as? [Any])?.count == 2)

        // Straight into the store (as the command line does): pushed within the poll interval.
        let ravi = try #require(try await server.stores.roster.students(organizationId: school.organizationId).first { $0.name == "Ravi Kumar" })
        try await server.stores.roster.removeStudent(ravi.id)
        let afterRemoval = try await device.next(timeout: .seconds(30))
        #expect(afterRemoval?.contains("Ravi Kumar") == false && afterRemoval?.contains("Asha Verma") == true)
        try await Task.sleep(for: .milliseconds(400))
        #expect(stranger.pending.isEmpty, "another organization's device hears nothing")
        await device.close()
        await stranger.close()
    }

    @Test func dashboardsThatAskGetDeviceStatus() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let modern = try await server.dashboard(watching: "door-1", organization: school.organizationId, extra: "&status=1")
        let old = try await server.dashboard(watching: "door-1", organization: school.organizationId)
        #expect(try await modern.next() == #"{"type":"device_status","deviceId":"door-1","online":false}"#)
        let device = try await server.device("door-1", organization: school.organizationId)
        #expect(try await modern.next() == #"{"type":"device_status","deviceId":"door-1","online":true}"#)
        await device.close()
        #expect(try await modern.next() == #"{"type":"device_status","deviceId":"door-1","online":false}"#)
        try await Task.sleep(for: .milliseconds(100))
        #expect(old.pending.isEmpty, "a dashboard that did not ask gets no status messages")
        await modern.close()
        await old.close()
    }
}
