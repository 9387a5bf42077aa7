import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// Every rule of PROTOCOL.md, over real WebSocket connections, on both stores.
@Suite("PROTOCOL.md rules on a real server")
struct ProtocolRulesTests {
    @Test(arguments: StoreKind.allCases)
    func rejectionsSendTheOriginalErrorsAndCloseCodes(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let cases: [(String, String, UInt16)] = [
            ("organizationId=\(ObjectID.make())&isHardware=true", #"{"error":"Missing deviceId"}"#, 1003),
            ("deviceId=door-1&isHardware=true", #"{"error":"Missing organizationId"}"#, 1003),
            ("deviceId=door-1&organizationId=\(ObjectID.make())&isHardware=yes", #"{"error":"Invalid connection parameters"}"#, 1002),
            ("deviceId=door-1&organizationId=\(ObjectID.make())", #"{"error":"Invalid connection parameters"}"#, 1002),
        ]
        for (query, error, code) in cases {
            let socket = try await server.socket(query)
            #expect(try await socket.next() == error, "\(query)")
            #expect(try await socket.closeCode() == code, "\(query)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func hardwareGetsTheRosterFirstAndPhotosAreServed(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        // An original device, which cannot send a secret, registered so: its online state is kept.
        _ = try await server.register(device: "door-1", organization: school.organizationId, admitWithoutSecret: true)
        let device = try await server.device("door-1", organization: school.organizationId)
        let first = try #require(try await device.next())
        // The photo link is ours: signed for this device, good until it expires.
        let link = try #require(first.firstMatch(of: /"images":\["([^"]+)"\]/)?.1)
        #expect(first == #"{"students":[{"_id":"\#(school.studentId)","name":"Asha Verma","enrollmentNo":"0801CS211","images":["\#(link)"]}]}"#)
        let prefix = "http://127.0.0.1:\(server.port)/photos/\(school.photoId)?for=door-1&expires="
        #expect(link.hasPrefix(prefix) && link.contains("&signature="), "\(link)")
        let photo = try await server.anonymousHTTP.get(String(link.dropFirst("http://127.0.0.1:\(server.port)".count)))
        #expect(photo.status == 200 && Array(photo.body) == SampleSchool.photo && photo.headers["content-type"] == "image/jpeg")
        #expect(try await server.stores.devices.device(DeviceKey("door-1", of: school.organizationId))?.online == true, "marked online")

        let second = try await server.device("door-1", organization: school.organizationId)
        #expect(try await second.next() == #"{"error":"Device door-1 is already connected."}"#)
        #expect(try await second.closeCode() == 1003)
        #expect(device.isOpen, "the first connection is untouched")

        await device.close()
        try await waitUntil { try await server.stores.devices.device(DeviceKey("door-1", of: school.organizationId))?.online == false }
        #expect(try await server.stores.devices.device(DeviceKey("door-1", of: school.organizationId))?.lastSeen != nil)
    }

    @Test func invalidOrganizationIdGetsTheOriginalErrorAndStaysOpen() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let device = try await server.device("door-1", organization: "not-an-object-id")
        #expect(try await device.next() == #"{"error":"Invalid organizationId"}"#)
        try await device.send(#"{"type":"detected","student":{}}"#)
        try await Task.sleep(for: .milliseconds(100))
        #expect(device.isOpen)
        await device.close()
    }

    @Test(arguments: StoreKind.allCases)
    func messagesAreForwardedBothWays(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        _ = try await device.next()  // roster
        let dashboard = try await server.dashboard(watching: "door-1", organization: school.organizationId)
        let other = try await server.dashboard(watching: "door-2", organization: school.organizationId)

        for message in [school.attendance(), school.attendance("detected"), #"{"type":"live_stream","frame":"/9j/4AAQ"}"#] {
            try await device.send(message)
            #expect(try await dashboard.next() == message, "forwarded unchanged")
        }
        try await dashboard.send(#"{"type":"start_stream","targetDeviceId":"door-1"}"#)
        #expect(try await device.next() == #"{"type":"start_stream","targetDeviceId":"door-1"}"#)
        try await dashboard.send(#"{"type":"stop_stream","targetDeviceId":"door-1"}"#)
        #expect(try await device.next() == #"{"type":"stop_stream","targetDeviceId":"door-1"}"#)
        // A forged roster or acknowledgement from a browser never reaches the device; the next message does.
        try await dashboard.send(#"{"students":[]}"#)
        try await dashboard.send(#"{"type":"ack","eventId":"e-1","status":"stored"}"#)
        try await dashboard.send(#"{"type":"something_else","x":1}"#)
        #expect(try await device.next() == #"{"type":"something_else","x":1}"#, "any other dashboard message reaches the device as is")

        try await other.send(#"{"type":"start_stream","targetDeviceId":"door-2"}"#)
        #expect(try await other.next() == #"{"error":"Device door-2 is offline or not connected."}"#)
        #expect(other.pending.isEmpty && dashboard.pending.isEmpty, "door-1's dashboard sees nothing of door-2")
        for socket in [device, dashboard, other] { await socket.close() }
    }

    @Test(arguments: StoreKind.allCases)
    func attendanceIsStoredOncePerStudentPerDay(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let first = try await server.device("door-1", organization: school.organizationId)
        let second = try await server.device("door-2", organization: school.organizationId)
        _ = try await first.next()
        _ = try await second.next()
        try await first.send(school.attendance())
        try await waitUntil {
            try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1
        }
        try await first.send(school.attendance(timestamp: "2026-11-24 11:00:00"))
        try await second.send(school.attendance(timestamp: "2026-11-24 12:00:00", device: "door-2"))
        try await first.send(school.attendance(timestamp: "2026-11-25 08:00:00"))
        try await waitUntil {
            try await server.stores.attendance.records(organizationId: school.organizationId, from: "2026-11-24", to: "2026-11-25").count == 2
        }
        try await Task.sleep(for: .milliseconds(200))
        let records = try await server.stores.attendance.records(organizationId: school.organizationId, from: "2026-11-24", to: "2026-11-25")
        #expect(records.map(\.timestamp) == ["2026-11-24 09:01:07", "2026-11-25 08:00:00"])
        #expect(records.allSatisfy { $0.deviceId == "door-1" && $0.status == "present" && $0.method == "automatic" })
        await first.close()
        await second.close()
    }

    /// PROTOCOL.md: "on a database failure `{"error":"Error fetching data"}`" instead of the roster.
    @Test func aDatabaseFailureGetsTheOriginalErrorInsteadOfTheRoster() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        try await server.stores.database.query("ALTER TABLE photos RENAME TO photos_gone")
        let device = try await server.device("door-1", organization: school.organizationId)
        #expect(try await device.next() == #"{"error":"Error fetching data"}"#)
        try await server.stores.database.query("ALTER TABLE photos_gone RENAME TO photos")
        try await device.send(school.attendance())
        try await waitUntil {
            try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1
        }
        #expect(try await server.http.get("/metrics").text.contains("streaktrack_store_errors_total 1"))
        await device.close()
    }

    @Test func malformedAndHostileMessagesLeaveTheConnectionOpen() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        _ = try await device.next()
        for garbage in ["{not json", "[1,2,3]", "42", #"{"type":"attendance"}"#, #"{"type":"attendance","student":"x"}"#,
                        #"{"type":"live_stream"}"#, #"{"type":"attendance","student":{"studentId":"\#(school.studentId)","timestamp":"soon"}}"#,
                        String(repeating: "[", count: 100_000)] {
            try await device.send(garbage)
        }
        try await device.send(school.attendance())
        try await waitUntil {
            try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1
        }
        #expect(device.isOpen)
        await device.close()
    }

    @Test func oversizedMessagesCloseTheConnection() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true) { $0.maxMessageBytes = 64 << 10 }
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        _ = try await device.next()
        try await device.send(#"{"type":"live_stream","frame":""# + String(repeating: "A", count: 200 << 10) + #""}"#)
        let code = try await device.closeCode()
        #expect(code == 1009, "message too big")
    }
}
