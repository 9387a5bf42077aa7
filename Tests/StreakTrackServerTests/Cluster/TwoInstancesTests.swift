import BackendStore
import Foundation
import TestSupport
import Testing

/// Two servers on one PostgreSQL database, in this process: what one's devices do reaches
/// the other's dashboards, a device is connected once across both, and a camera is seen
/// where its device is.
@Suite("Two instances on one database")
struct TwoInstancesTests {
    @Test func marksStatusAndCommandsCrossInstancesAndADeviceIsConnectedOnce() async throws {
        let location = try StoreKind.postgres.freshLocation()
        let a = try await RunningServer.start(.postgres) { $0.store = location; $0.instance = "a" }
        let b = try await RunningServer.start(.postgres) { $0.store = location; $0.instance = "b" }
        defer { Task { await a.stop(); await b.stop() } }
        let school = try await SampleSchool.create(in: a.stores)
        let secret = try await a.register(device: "door-1", organization: school.organizationId)

        // A dashboard on b (b's admin token: starting b gave the database a new one) watches a door connected to a.
        let dashboard = try await b.dashboard(watching: "door-1", organization: school.organizationId, extra: "&status=1")
        #expect(try await dashboard.next() == #"{"type":"device_status","deviceId":"door-1","online":false}"#)
        let device = try await a.device("door-1", organization: school.organizationId, extra: "&ack=1", secret: secret)
        #expect(try await device.next()?.hasPrefix(#"{"students":["#) == true)
        #expect(try await dashboard.next() == #"{"type":"device_status","deviceId":"door-1","online":true}"#,
                "a's device coming online is told to b's dashboard")
        try await device.send(school.attendance(eventId: "evt-1"))
        #expect(try await device.next() == #"{"type":"ack","eventId":"evt-1","status":"stored"}"#)
        #expect(try await dashboard.next() == school.attendance(eventId: "evt-1"), "the mark stored by a reaches b's dashboard as sent")

        // A camera is seen on the instance its device is on; other messages reach the device from anywhere.
        try await dashboard.send(#"{"type":"start_stream","targetDeviceId":"door-1"}"#)
        #expect(try await dashboard.next() == #"{"type":"device_elsewhere","deviceId":"door-1","instance":"a"}"#)
        try await dashboard.send(#"{"type":"ring_bell"}"#)
        #expect(try await device.next() == #"{"type":"ring_bell"}"#, "forwarded through the database to a, then the device")

        // Without its secret a second connection is refused wherever it arrives; with it, it takes over.
        let impostor = try await b.device("door-1", organization: school.organizationId)
        #expect(try await impostor.closeCode() == 1008, "a registered id without its secret is not admitted")
        let again = try await b.device("door-1", organization: school.organizationId, extra: "&ack=1", secret: secret)
        #expect(try await again.next()?.hasPrefix(#"{"students":["#) == true, "admitted at once on b")
        _ = try await device.closeCode()  // waits for the end (a closes it outright, as it does a replaced local one)
        #expect(!device.isOpen, "a let go of its stale connection")
        let rows = try await a.stores.database.query("SELECT instance_name FROM device_leases WHERE device_id = 'door-1'")
        #expect(rows.map { $0.text("instance_name") } == ["b"])
        let online = try await a.stores.devices.device(DeviceKey("door-1", of: school.organizationId))?.online
        #expect(online == true, "the old connection's end did not mark the door offline: it is on b")

        // Marks through b reach b's dashboard once (nobody hears their own announcement twice).
        try await again.send(school.attendance("detected"))
        #expect(try await dashboard.next(containing: #""type":"detected""#) == school.attendance("detected"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(dashboard.pending.isEmpty, "\(dashboard.pending)")

        // The door leaves: offline for everyone, its lease gone.
        await again.close()
        #expect(try await dashboard.next(containing: "device_status") == #"{"type":"device_status","deviceId":"door-1","online":false}"#)
        try await waitUntil { try await a.stores.database.query("SELECT device_id FROM device_leases").isEmpty }
        for socket in [dashboard, device, impostor] { await socket.close() }
    }
}
