import FaceEngine
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The dashboard in a real headless Chromium, driven over the DevTools protocol
/// while a device on a real socket marks, is seen, and streams its camera: what
/// the device sends shows up on the page without reloading it, and the page's
/// buttons reach the device.
@Suite("Live dashboard in a browser")
struct LiveDashboardBrowserTests {
    @Test func attendanceSightingsAndCameraViewArriveLive() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        _ = try await server.stores.roster.addStudent(organizationId: school.organizationId, name: "Ravi Kumar", enrollmentNo: "0801CS212")
        let secret = try await server.register(device: "door-1", organization: school.organizationId)
        let device = try await server.device("door-1", organization: school.organizationId, secret: secret)
        _ = try await device.next()

        let browser = try await HeadlessChromium.open("http://127.0.0.1:\(server.port)/#token=\(server.adminToken)")
        defer { browser.kill() }
        let card = "document.querySelector('.device-card')"
        let text = { (id: String) in "document.getElementById('\(id)').textContent" }
        try await browser.waitFor("\(card)?.querySelector('.badge')?.textContent === 'Online'")
        try await browser.waitFor("\(text("attendance-count")) === '0 of 2 present'")

        // Live view: the button reaches the device, the device's frame is drawn.
        try await browser.evaluate("[...\(card).querySelectorAll('button')].find(b => b.textContent === 'Live view').click()")
        let start = try await device.next(containing: "start_stream", timeout: .seconds(10))
        #expect(start.contains(#""targetDeviceId":"door-1""#))
        let frame = try Fixtures.image("barack_obama/1.jpg").resized(width: 320, height: 240).jpegData(quality: 70)
        try await device.send(#"{"type":"live_stream","deviceId":"door-1","frame":"\#(Data(frame).base64EncodedString())"}"#)
        try await browser.waitFor("\(card).querySelector('img.live-img').naturalWidth === 320 && !\(card).querySelector('img.live-img').hidden")

        // Attendance and a sighting, as the device sends them, appear without a reload.
        let now = AttendanceTimestamp.string(from: Date())
        try await device.send(school.attendance(timestamp: now))
        try await browser.waitFor("\(text("attendance-body")).includes('Asha Verma') && \(text("attendance-count")) === '1 of 2 present'")
        try await device.send(school.attendance("detected", timestamp: now))
        try await browser.waitFor("\(text("sightings-list")).includes('Asha Verma')")
        #expect(try await browser.evaluate("document.querySelectorAll('#attendance-body tr').length") as? Int == 1,
                "a sighting is not a second mark")

        // Enrolment through the form, with a photo chosen as a person would: the
        // roster shows the new student, and the connected device gets the new roster.
        try await browser.evaluate("document.getElementById('student-form-name').value = 'Barack Obama'")
        try await browser.evaluate("document.getElementById('student-form-enrollment').value = '0801CS213'")
        try await browser.chooseFiles([Fixtures.face("barack_obama/1.jpg")], in: "#student-form-photos")
        try await browser.waitFor("document.querySelectorAll('#student-form-previews img').length === 1")
        try await browser.evaluate("document.getElementById('student-form-submit').click()")
        try await browser.waitFor("\(text("roster-count")) === '3 students' && \(text("student-list")).includes('Barack Obama')")
        let roster = try await device.next(containing: "Barack Obama", timeout: .seconds(10))
        #expect(roster.hasPrefix(#"{"students":["#) && roster.contains("/photos/"), "a new roster with the photo's address")
        #expect(try await server.stores.roster.students(organizationId: school.organizationId)
            .first { $0.name == "Barack Obama" }?.photoIds.count == 1)

        // The CSV export, downloaded as a person downloads it.
        let downloads = try Fixtures.scratchDirectory()
        try await browser.allowDownloads(into: downloads)
        let today = String(now.prefix(10))
        try await browser.evaluate("document.getElementById('export-from').value = '\(today)'")
        try await browser.evaluate("document.getElementById('export-to').value = '\(today)'")
        try await browser.evaluate("document.querySelector('#export-form button[type=submit]').click()")
        let csvPath = downloads + "/attendance-\(today)-to-\(today).csv"
        try await waitUntil(timeout: .seconds(10)) { FileManager.default.fileExists(atPath: csvPath) }
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        #expect(csv.hasPrefix("date,time,student_id,name,enrollment_no,device_id,status,method\r\n"))
        #expect(csv.contains(",\(school.studentId),Asha Verma,0801CS211,door-1,present,"), "\(csv)")

        let screenshot = try Fixtures.scratchDirectory() + "/dashboard.png"
        try await browser.screenshot(to: screenshot)
        let picture = try RGBImage(contentsOfFile: screenshot)
        #expect(picture.width == 1280 && picture.height > 900, "the whole page, taller than the window")
        print("dashboard screenshot: \(screenshot)")

        // Stop: the device is told, and the view goes back to its placeholder.
        try await browser.evaluate("[...\(card).querySelectorAll('button')].find(b => b.textContent === 'Stop live view').click()")
        let stop = try await device.next(containing: "stop_stream", timeout: .seconds(10))
        #expect(stop.contains(#""targetDeviceId":"door-1""#))
        try await browser.waitFor("\(card).querySelector('img.live-img').hidden")

        // The device goes away: the page says so.
        await device.close()
        try await browser.waitFor("\(card).querySelector('.badge').textContent === 'Offline'")
        await browser.close()
    }
}
