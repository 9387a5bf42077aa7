import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The dashboard in a real headless Chromium against a real server: it signs in
/// with the token from the URL, then shows the device, the roster and today's
/// attendance as the server has them.
@Suite("Dashboard in a browser")
struct DashboardBrowserTests {
    @Test func dashboardShowsRosterDevicesAndAttendance() async throws {
        let chromium = try #require(which("chromium") ?? which("chromium-browser"), "Chromium is needed (scripts/setup --with-test-tools installs it)")
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        _ = try await server.stores.roster.addStudent(organizationId: school.organizationId, name: "Ravi <b>Kumar</b>", enrollmentNo: "0801CS212")
        let now = AttendanceTimestamp.string(from: Date())
        _ = try await server.stores.attendance.record(
            Sighting(name: "Asha Verma", enrollmentNo: "0801CS211", deviceId: "door-1", studentId: school.studentId, timestamp: now),
            organizationId: school.organizationId, deviceId: "door-1", eventId: nil)
        let secret = try await server.register(device: "door-1", organization: school.organizationId)
        let device = try await server.device("door-1", organization: school.organizationId, secret: secret)
        _ = try await device.next()

        let profile = try Fixtures.scratchDirectory()
        let page = try await runProcess(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)", "--virtual-time-budget=8000",
            "--dump-dom", "http://127.0.0.1:\(server.port)/#token=\(server.adminToken)",
        ])
        let dom = page.stdout
        #expect(dom.contains("Springfield High"), "the organization")
        #expect(dom.contains("Asha Verma") && dom.contains("0801CS211"), "the roster")
        #expect(dom.contains("Ravi &lt;b&gt;Kumar&lt;/b&gt;"), "names are text, never markup")
        #expect(dom.contains("door-1"), "the device")
        #expect(dom.contains("1 of 2 present"), "today's attendance")
        #expect(dom.contains("/photos/\(school.photoId)"), "the photos, served by the backend")
        #expect(!dom.contains("admin token is required"), "signed in with the token from the URL")
        await device.close()
    }
}
