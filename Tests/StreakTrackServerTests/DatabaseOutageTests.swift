import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// PostgreSQL goes away under a running server (a relay in front of it is cut):
/// the REST API answers 503 within the URL's connect_timeout, a device's mark is
/// not acknowledged, and once PostgreSQL is back the device's resend is stored
/// once and acknowledged. Nothing is lost, nothing doubled.
@Suite("PostgreSQL outage")
struct DatabaseOutageTests {
    @Test func anOutageIsA503AndTheMarkIsStoredOnceWhenItEnds() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["STREAKTRACK_TEST_POSTGRES_URL"], "run through scripts/test")
        var parts = try #require(URLComponents(string: url))
        let relay = try TCPRelay(toPort: parts.port ?? 5432)
        parts.port = relay.port
        parts.queryItems = (parts.queryItems ?? []) + [URLQueryItem(name: "connect_timeout", value: "5")]
        let schema = "test_outage_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let server = try await RunningServer.start(.postgres) { $0.store = .postgres(url: parts.string!, schema: schema) }
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let secret = try await server.register(device: "door-1", organization: school.organizationId)
        let device = try await server.device("door-1", organization: school.organizationId, extra: "&ack=1", secret: secret)
        _ = try await device.next()  // roster

        relay.cut()
        let students = try await server.http.get("/api/students?organizationId=\(school.organizationId)")
        #expect(students.status == 503 && students.text.contains("the database cannot be reached"), "\(students.status) \(students.text)")
        let health = try await server.anonymousHTTP.get("/healthz")
        #expect(health.status == 503 && health.text == #"{"status":"unavailable"}"#, "no store error text for anyone: \(health.text)")
        #expect(try await server.anonymousHTTP.get("/healthz/live").status == 200, "not ready, but alive: a balancer waits rather than restarts")
        let mark = school.attendance(eventId: "outage-1")
        try await device.send(mark)
        await #expect(throws: TestSocket.TimedOut.self, "no acknowledgement for a mark that was not stored") {
            try await device.next(containing: "outage-1", timeout: .seconds(4))
        }

        try relay.restore()
        // The device agent resends an unacknowledged mark until it is acknowledged; so does this.
        var acknowledgement: String?
        try await waitUntil(timeout: .seconds(90)) {
            try await device.send(mark)
            acknowledgement = try? await device.next(containing: "outage-1", timeout: .seconds(3))
            return acknowledgement != nil
        }
        #expect(acknowledgement == #"{"type":"ack","eventId":"outage-1","status":"stored"}"#)
        try await device.send(mark)
        #expect(try await device.next(containing: "outage-1") == #"{"type":"ack","eventId":"outage-1","status":"duplicate"}"#)
        #expect(try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1)
        #expect(try await server.anonymousHTTP.get("/healthz").status == 200)
        await device.close()
    }
}
