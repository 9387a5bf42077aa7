import BackendStore
import Foundation
import TestSupport
import Testing

/// An administrator signs in to the dashboard in a real headless Chromium and
/// enrols as a school does: one student with the photos the face engine checks
/// as they are chosen, then a class from a CSV with its photos, then a folder.
/// Refused photos are shown with their reason, look-alikes and one person on
/// two rows are pointed out, and what the page says is what the store holds.
@Suite("Enrolment in a browser")
struct EnrolmentInABrowserTests {
    @Test func anAdministratorEnrolsOneStudentThenAClassFromACSVAndAFolder() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        _ = try await server.stores.classes.add(organizationId: school.id, name: "6A", startsAt: "08:30")
        _ = try await server.stores.users.add(organizationId: school.id, login: "head", name: "Head Teacher", role: .admin,
                                              password: "correct horse battery")

        let browser = try await HeadlessChromium.open("http://127.0.0.1:\(server.port)/")
        defer { browser.kill() }
        try await signIn(browser, login: "head", password: "correct horse battery")
        try await browser.waitFor("document.getElementById('nav-list').textContent.includes('People')")

        // One student: a good photo and a group photo. The group photo is refused with both faces drawn.
        try await browser.evaluate("location.hash = '#/enrol'")
        try await browser.waitFor("!!document.getElementById('enrol-form')")
        try await browser.type("Barack Obama", into: "#enrol-name")
        try await browser.type("B0001", into: "#enrol-number")
        try await browser.chooseFiles([Fixtures.face("barack_obama/1.jpg"), Fixtures.face("_groups/obama_biden_blue_room.jpg")],
                                      in: "#enrol-photo")
        try await browser.waitFor("document.querySelectorAll('#enrol-verdict .pcheck-ok').length === 1"
                                  + " && document.querySelectorAll('#enrol-verdict .pcheck-refused').length === 1", timeout: .seconds(60))
        let refused = try #require(try await browser.text("#enrol-verdict .pcheck-refused"))
        #expect(refused.contains("2 faces in the photo"), "\(refused)")
        #expect(try await browser.evaluate("document.querySelectorAll('#enrol-verdict .pcheck-refused rect.box-bad').length") as? Int == 2,
                "both faces of the group photo are drawn")
        try await browser.evaluate("document.getElementById('enrol-form').requestSubmit()")
        try await browser.waitFor("document.getElementById('enrol-result').textContent.includes('is enrolled')", timeout: .seconds(60))
        let obama = try #require(try await server.stores.roster.student(enrollmentNo: "B0001", organizationId: school.id))
        #expect(obama.photoIds.count == 1, "the refused group photo is not kept")

        // A class from a CSV and its photos: a check first (nothing stored), then the run.
        let upload = try Fixtures.scratchDirectory()
        for (file, source) in [("biden.jpg", "joe_biden/1.jpg"), ("obama2.jpg", "barack_obama/2.jpg"), ("cat.jpg", "_nonfaces/cat.jpg"),
                               ("salley.jpg", "john_salley/1.jpg")] {
            try FileManager.default.copyItem(atPath: Fixtures.face(source), toPath: "\(upload)/\(file)")
        }
        try """
            name,enrollment_no,classes,photos
            Joe Biden,B0002,6A,biden.jpg
            Barry Obama,B0003,6A;Choir,obama2.jpg
            Kitty,B0004,6A,cat.jpg
            John Salley,B0005,6A,salley.jpg
            J. Salley,B0006,6A,salley.jpg

            """.write(toFile: "\(upload)/class.csv", atomically: false, encoding: .utf8)
        try await browser.chooseFiles(["\(upload)/class.csv"], in: "#bulk-csv")
        try await browser.chooseFiles(["biden.jpg", "obama2.jpg", "cat.jpg", "salley.jpg"].map { "\(upload)/\($0)" }, in: "#bulk-files")
        try await browser.waitFor("document.getElementById('bulk-chosen').textContent.startsWith('CSV class.csv, 4 photos')")
        try await browser.click("#bulk-check")
        try await browser.waitFor("document.querySelectorAll('#bulk-outcomes tbody tr').length === 5", timeout: .seconds(120))
        let checked = try await rows(browser)
        #expect(checked[4]?.action == "refused" && checked[4]?.text.contains("no face found") == true, "\(checked[4] as Any)")
        #expect(checked[3]?.text.contains("Looks like Barack Obama") == true, "an enrolled student's other photo: \(checked[3] as Any)")
        #expect(checked[6]?.text.contains("Same face as line 5") == true, "one person on two rows: \(checked[6] as Any)")
        #expect([2, 3, 5, 6].allSatisfy { checked[$0]?.action == "enrol" }, "\(checked)")
        #expect(try await server.stores.roster.student(enrollmentNo: "B0002", organizationId: school.id) == nil, "a check stores nothing")

        try await browser.click("#bulk-run")
        try await browser.waitFor(Self.runDone, timeout: .seconds(120))
        for number in ["B0002", "B0003", "B0005", "B0006"] {
            #expect(try await server.stores.roster.student(enrollmentNo: number, organizationId: school.id)?.photoIds.count == 1, "\(number)")
        }
        #expect(try await server.stores.roster.student(enrollmentNo: "B0004", organizationId: school.id) == nil, "the refused row")
        let classes = try await server.stores.classes.classes(organizationId: school.id)
        #expect(classes.first { $0.name == "6A" }?.studentIds.count == 4 && classes.contains { $0.name == "Choir" })

        // A folder of photos named after the students (Chromium chooses the folder as a person does).
        let folder = try Fixtures.scratchDirectory() + "/class6b"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.face("_nonfaces/coffee.jpg"), toPath: "\(folder)/coffee_cup.jpg")
        try FileManager.default.copyItem(atPath: Fixtures.face("joe_biden/2.jpg"), toPath: "\(folder)/joseph_biden.jpg")
        try await browser.evaluate("location.hash = '#/today'")
        try await browser.evaluate("location.hash = '#/enrol'")
        try await browser.waitFor("!!document.getElementById('bulk-folder')")
        try await browser.chooseFiles([folder], in: "#bulk-folder")
        // Chromium reads a chosen folder before the page hears of it: wait as a person waits to see it listed.
        try await browser.waitFor("document.getElementById('bulk-chosen').textContent.startsWith('2 photos')")
        try await browser.click("#bulk-run")
        try await browser.waitFor("document.querySelectorAll('#bulk-outcomes tbody tr').length === 2"
                                  + " && \(Self.runDone)", timeout: .seconds(120))
        let fromFolder = try await rows(browser)
        #expect(fromFolder[1]?.action == "refused" && fromFolder[1]?.text.contains("no face found") == true, "\(fromFolder)")
        #expect(fromFolder[2]?.action == "enrol" && fromFolder[2]?.text.contains("Looks like Joe Biden") == true, "\(fromFolder)")
        #expect(try await server.stores.roster.student(enrollmentNo: "JOSEPH_BIDEN", organizationId: school.id)?.name == "Joseph Biden")

        let screenshot = try Fixtures.scratchDirectory() + "/enrolment.png"
        try await browser.screenshot(to: screenshot)
        print("enrolment screenshot: \(screenshot)\(Fixtures.keepsTestFiles ? "" : " (removed at the end; STREAKTRACK_KEEP_TEST_FILES=1 keeps it)")")
        await browser.close()
    }

    /// The summary of a run (not of a check): "4 enrolled".
    static let runDone = "[...document.querySelectorAll('#bulk-summary .pill')].some(p => p.textContent.endsWith(' enrolled'))"

    struct Row: CustomStringConvertible {
        let action: String
        let text: String
        var description: String { "\(action): \(text)" }
    }

    /// The bulk outcome table by line: each row's action and text.
    private func rows(_ browser: HeadlessChromium) async throws -> [Int: Row] {
        let raw = try await browser.evaluate(
            "[...document.querySelectorAll('#bulk-outcomes tbody tr')].map(r => [Number(r.dataset.line), r.dataset.action, r.textContent])")
        var rows: [Int: Row] = [:]
        for row in raw as? [[Any]] ?? [] {
            guard row.count == 3, let line = row[0] as? Int, let action = row[1] as? String, let text = row[2] as? String else { continue }
            rows[line] = Row(action: action, text: text)
        }
        return rows
    }
}

/// Signs in through the page's own form.
func signIn(_ browser: HeadlessChromium, login: String, password: String) async throws {
    try await browser.waitFor("!!document.getElementById('login-form')")
    try await browser.type(login, into: "#login-login")
    try await browser.type(password, into: "#login-password")
    try await browser.evaluate("document.getElementById('login-form').requestSubmit()")
    try await browser.waitFor("!document.getElementById('login-form') && !!document.getElementById('nav-list')")
}
