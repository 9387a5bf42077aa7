import BackendStore
import FaceEngine
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// A school day with three people in real headless Chromium pages and a door
/// on a real socket: the co-admin registers the door of class 6A (its
/// config.json comes from the page) and the door gets 6A's roster only; the
/// teacher of 6A watches Today as the door marks a student, sees only 6A,
/// corrects a day with a reason and an arrival time, sees the calendar and the
/// streak follow, reads the month's chart, downloads the CSV and opens the
/// door's camera.
@Suite("A school day in a browser")
struct SchoolDayInABrowserTests {
    static let password = "correct horse battery"

    @Test func theDoorTheTeacherAndTheMonth() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let stores = server.stores
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        // Every day a school day, so that the days below are school days whatever day the test runs.
        try await stores.calendars.setWeekdays(Set(1...7), organizationId: school.id)
        let classA = try await stores.classes.add(organizationId: school.id, name: "6A", startsAt: "08:30")
        let classB = try await stores.classes.add(organizationId: school.id, name: "6B")
        let photo = { (path: String) in try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face(path))))) }
        let asha = try await stores.roster.addStudent(organizationId: school.id, name: "Asha Verma", enrollmentNo: "A1",
                                                      photos: [try photo("john_salley/1.jpg")])
        let dev = try await stores.roster.addStudent(organizationId: school.id, name: "Dev <b>Shah</b>", enrollmentNo: "A2",
                                                     photos: [try photo("joe_biden/1.jpg")])
        let ravi = try await stores.roster.addStudent(organizationId: school.id, name: "Ravi Kumar", enrollmentNo: "B1",
                                                      photos: [try photo("barack_obama/1.jpg")])
        try await stores.classes.setStudents([asha.id, dev.id], of: classA.id)
        try await stores.classes.setStudents([ravi.id], of: classB.id)
        let today = AttendanceTimestamp.day(of: Date())
        let (p1, p2, p3) = (SchoolCalendar.day(today, plus: -3), SchoolCalendar.day(today, plus: -2), SchoolCalendar.day(today, plus: -1))
        try await stores.database.query("UPDATE students SET enrolled_on = ?", .text(SchoolCalendar.day(today, plus: -10)))
        _ = try await stores.users.add(organizationId: school.id, login: "co", name: "Co Admin", role: .coadmin, password: Self.password)
        let teacher = try await stores.users.add(organizationId: school.id, login: "t.rao", name: "T. Rao", role: .teacher, password: Self.password)
        try await stores.classes.setTeachers([teacher.id], of: classA.id)

        // The co-admin registers 6A's door in the page; its config.json is shown once, secret included.
        let coadmin = try await HeadlessChromium.open("http://127.0.0.1:\(server.port)/#/devices")
        defer { coadmin.kill() }
        try await signIn(coadmin, login: "co", password: Self.password)
        try await coadmin.waitFor("!!document.getElementById('device-form')")
        try await coadmin.type("door-6a", into: "#device-id")
        try await coadmin.type("6A's door", into: "#device-name")
        try await coadmin.evaluate("document.getElementById('device-form').requestSubmit()")
        try await coadmin.waitFor("!document.getElementById('device-config').hidden")
        let configText = try #require(try await coadmin.text("#device-config-text"))
        let config = try #require(try JSONSerialization.jsonObject(with: Data(configText.utf8)) as? [String: String], "\(configText)")
        #expect(config["deviceId"] == "door-6a" && config["organizationId"] == school.id && config["website_url"]?.hasPrefix("ws://") == true)
        let secret = try #require(config["deviceSecret"])
        await coadmin.close()
        let co = try await SessionClient.signIn(server, login: "co", password: Self.password)
        #expect(try await co.request("PATCH", "/api/devices/door-6a", json: ["classIds": [classA.id]]).status == 200)
        // Earlier days at 6A's door: Asha came three days ago and yesterday; the day between is missing.
        for day in [p1, p3] {
            _ = try await stores.attendance.record(Sighting(name: asha.name, enrollmentNo: "A1", deviceId: "door-6a", studentId: asha.id,
                                                            timestamp: "\(day) 08:10:00"),
                                                   organizationId: school.id, deviceId: "door-6a", eventId: nil)
        }

        // The teacher of 6A opens Today before the door is on.
        let browser = try await HeadlessChromium.open("http://127.0.0.1:\(server.port)/")
        defer { browser.kill() }
        try await signIn(browser, login: "t.rao", password: Self.password)
        try await browser.waitFor("document.getElementById('today-present')?.textContent === '0'")
        #expect(try await browser.evaluate("document.getElementById('today-class').options.length") as? Int == 1, "a teacher sees their class only")

        // The door connects with the page's config.json and gets 6A's roster only.
        let door = try await server.device("door-6a", organization: school.id, secret: secret)
        let roster = try #require(try await door.next())
        #expect(roster.contains("Asha Verma") && roster.contains(dev.id) && !roster.contains("Ravi Kumar"), "\(roster.prefix(300))")
        try await browser.waitFor("!!document.querySelector('.door.door-on')")

        // The door marks Asha: Today counts her at once, from the socket (flashed), not at the next 15-second poll.
        try await door.send(DeviceMessage.attendance(Sighting(name: asha.name, enrollmentNo: "A1", deviceId: "door-6a", studentId: asha.id,
                                                              timestamp: AttendanceTimestamp.string(from: Date())), eventId: nil).text)
        try await browser.waitFor("document.getElementById('today-present').textContent === '1'"
                                  + " && [...document.querySelectorAll('.feed li.flash')].some(li => li.textContent.includes('Asha Verma'))")

        // The students list: names are text, never markup; 6B's student is not the teacher's to see.
        try await browser.evaluate("location.hash = '#/students'")
        try await browser.waitFor("document.getElementById('student-list')?.textContent.includes('Dev <b>Shah</b>')")
        #expect(try await browser.evaluate("document.querySelectorAll('#student-list b').length") as? Int == 0)
        try await browser.evaluate("location.hash = '#/students/\(ravi.id)'")
        try await browser.waitFor("document.querySelector('main h1')?.textContent === 'Student not found'")

        // Asha's calendar: the missing day is absent, her streak is today and yesterday.
        try await browser.evaluate("location.hash = '#/students/\(asha.id)?month=\(p2.prefix(7))'")
        let cell = "document.querySelector('#student-calendar [data-day=\"\(p2)\"]')"
        try await browser.waitFor("\(cell)?.dataset.mark === 'absent' && document.getElementById('student-streak').textContent === '2'")
        // The teacher marks it present: she came at 08:50 with a note; the class starts at 08:30, so she was late.
        try await browser.evaluate("\(cell).click()")
        try await browser.waitFor("!!document.querySelector('.day-panel [data-action=present]')")
        try await browser.click(".day-panel [data-action=present]")
        try await browser.waitFor("document.getElementById('reason-dialog').open && !document.getElementById('reason-time-row').hidden")
        try await browser.type("came late with a note from her parents", into: "#reason-text")
        try await browser.type("08:50", into: "#reason-time")
        try await browser.click("#reason-ok")
        try await browser.waitFor("\(cell)?.dataset.mark === 'late' && document.getElementById('student-streak').textContent === '4'")
        let history = try await stores.attendance.history(studentId: asha.id, from: p2, to: p2)
        #expect(history.map(\.change) == ["marked present, arrived at 08:50"] && history.first?.actor == "user:t.rao"
                && history.first?.reason == "came late with a note from her parents")

        // The month's chart: a bar for each school day with marks, today's apart.
        try await browser.evaluate("location.hash = '#/reports'")
        try await browser.waitFor("document.querySelectorAll('#report-chart rect.bar').length > 0")
        let report = try await SessionClient.signIn(server, login: "t.rao", password: Self.password)
            .get("/api/reports?classId=\(classA.id)&month=\(today.prefix(7))").json() as? [String: Any]
        let daily = try #require(report?["daily"] as? [[String: Any]])
        #expect(try await browser.evaluate("document.querySelectorAll('#report-chart rect.bar').length") as? Int == daily.count)
        #expect(daily.last?["inProgress"] as? Bool == true && daily.last?["day"] as? String == today, "Dev is not in yet: today is in progress")
        let chart = try Fixtures.scratchDirectory() + "/report.png"
        try await browser.screenshot(to: chart)
        print("month chart screenshot: \(chart)\(Fixtures.keepsTestFiles ? "" : " (removed at the end; STREAKTRACK_KEEP_TEST_FILES=1 keeps it)")")

        // The CSV, downloaded as a person downloads it: the corrected day carries the arrival time given.
        let downloads = try Fixtures.scratchDirectory()
        try await browser.allowDownloads(into: downloads)
        try await browser.evaluate("location.hash = '#/attendance'")
        try await browser.waitFor("!!document.getElementById('export-from')")
        try await browser.type(p1, into: "#export-from")
        try await browser.type(today, into: "#export-to")
        try await browser.evaluate("[...document.querySelectorAll('a[download]')].find(a => a.textContent === 'Download CSV').click()")
        let csvPath = downloads + "/attendance-\(p1)-to-\(today).csv"
        try await waitUntil { FileManager.default.fileExists(atPath: csvPath) }
        let csv = try String(contentsOfFile: csvPath, encoding: .utf8)
        #expect(csv.contains("\(p2),08:50:00,\(asha.id),Asha Verma,A1,,present,manual\r\n"), "\(csv)")
        #expect(csv.contains("\(p1),08:10:00,\(asha.id),Asha Verma,A1,door-6a,present,automatic\r\n"), "\(csv)")

        // The door's camera, from the teacher's Devices page: the button reaches the door, the door's frame is drawn.
        try await browser.evaluate("location.hash = '#/devices'")
        let card = "document.querySelector('[data-device-id=\"door-6a\"]')"
        try await browser.waitFor("\(card)?.querySelector('.badge')?.textContent === 'Online'")
        try await browser.evaluate("\(card).querySelector('.live-toggle').click()")
        let start = try await door.next(containing: "start_stream")
        #expect(start.contains(#""targetDeviceId":"door-6a""#))
        let frame = try Fixtures.image("barack_obama/1.jpg").resized(width: 320, height: 240).jpegData(quality: 70)
        try await door.send(#"{"type":"live_stream","deviceId":"door-6a","frame":"\#(Data(frame).base64EncodedString())"}"#)
        try await browser.waitFor("\(card).querySelector('img.live-img').naturalWidth === 320 && !\(card).querySelector('img.live-img').hidden")
        try await browser.evaluate("\(card).querySelector('.live-toggle').click()")
        _ = try await door.next(containing: "stop_stream")
        await door.close()
        try await browser.waitFor("\(card).querySelector('.badge').textContent === 'Offline'")
        await browser.close()
    }
}
