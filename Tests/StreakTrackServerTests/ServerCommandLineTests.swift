import BackendStore
import ChildProcess
import Foundation
import SQLStorage
import StreakTrackProtocol
import TestSupport
import Testing

/// `streaktrack-server` as an administrator meets it: started with no arguments
/// in an empty folder, then managed with its subcommands on the same data while
/// it runs, and stopped with SIGTERM.
@Suite("streaktrack-server on the command line")
struct ServerCommandLineTests {
    let program = Fixtures.executable("streaktrack-server")

    @Test func startsBareAndIsManagedFromTheCommandLineWhileItRuns() async throws {
        let directory = try Fixtures.scratchDirectory()
        // No arguments at all when the original's port is free here (it is on CI).
        let port = portIsFree(3001) ? 3001 : try freePort()
        let server = try start(in: directory, arguments: port == 3001 ? [] : ["--port", "\(port)"])
        defer { server.send(SIGKILL); server.wait() }
        let banner = try await output(in: directory, containing: "--admit-without-secret`.")
        #expect(banner.contains("StreakTrack server listening on 0.0.0.0:\(port) (SQLite streaktrack-data/streaktrack.db)"))
        #expect(banner.contains("streaktrack-server students add --name"))
        #expect(banner.contains("No device is registered yet: only registered devices may connect."))
        #expect(!banner.contains("WARNING"), "closed by default: nothing to warn about")
        // No token is printed: the first admin sets up their account through a one-time link.
        #expect(!banner.contains("#token="))
        let setup = String(try #require(banner.firstMatch(of: /#link=([0-9a-f]{64})/)?.1))
        let organization = String(try #require(banner.firstMatch(of: /with id ([0-9a-f]{24})/)?.1))
        let linkInfo = try await HTTPTestClient(base: "http://127.0.0.1:\(port)", token: nil).get("/api/links/\(setup)")
        #expect(linkInfo.status == 200 && linkInfo.text.contains(#""purpose":"setup""#))
        // Scripts use an admin token, made from the command line.
        let token = try await admin(in: directory, "admin", "reset-token").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let http = HTTPTestClient(base: "http://127.0.0.1:\(port)", token: token)
        #expect(try await http.get("/healthz").text.contains("sqlite"), "the admin sees the store")
        // The children's photos and the device secrets are the server user's alone.
        #expect(try permissions(directory + "/streaktrack-data") == 0o700)
        #expect(try permissions(directory + "/streaktrack-data/streaktrack.db") == 0o600)

        // An unregistered device is turned away; a registered one connects with the config.json it was given.
        let stranger = try await TestSocket.connect(deviceURL(port, "door-9", organization))
        #expect(try await stranger.next() == #"{"error":"Device door-9 is not registered."}"#)
        #expect(try await stranger.next() == nil, "closed")
        let registered = try await admin(in: directory, "devices", "add", "door-1", "--name", "Front door",
                                         "--server-url", "http://127.0.0.1:\(port)")
        let configText = try #require(registered.stdout.firstRange(of: "{").map { String(registered.stdout[$0.lowerBound...]) })
        let config = try #require(try JSONSerialization.jsonObject(with: Data(configText.utf8)) as? [String: String])
        #expect(config["website_url"] == "ws://127.0.0.1:\(port)" && config["deviceId"] == "door-1" && config["organizationId"] == organization)
        let secret = try #require(config["deviceSecret"])
        let device = try await TestSocket.connect(deviceURL(port, "door-1", organization), headers: [ConnectionParameters.secretHeader: secret])
        #expect(try await device.next() == #"{"students":[]}"#)
        #expect(try await admin(in: directory, "devices", "list").stdout.contains("door-1\tFront door\tonline"))

        // A student enrolled from the command line reaches it without reconnecting, with a photo link that works.
        let photo = Fixtures.face("john_salley/1.jpg")
        let added = try await admin(in: directory, "students", "add", "--name", "Asha Verma", "--enrollment-no", "0801CS211", photo)
        #expect(added.status == 0 && added.stdout.contains("\tAsha Verma\t0801CS211\t1 photo(s)"), "\(added)")
        let studentId = try #require(added.stdout.split(separator: "\t").first.map(String.init))
        let roster = try await device.next(containing: "Asha Verma", timeout: .seconds(10))
        let photoLink = try #require(roster.firstMatch(of: /\/photos\/[^"]+/).map { String($0.0) })
        let served = try await HTTPTestClient(base: "http://127.0.0.1:\(port)", token: nil).get(photoLink)
        let original = try Data(contentsOf: URL(fileURLWithPath: photo))
        #expect(served.status == 200 && served.body == original)

        // What cannot be a photo is refused, naming the file; nothing is enrolled.
        let text = directory + "/notes.jpg"
        try Data("not a photo".utf8).write(to: URL(fileURLWithPath: text))
        let refused = try await admin(in: directory, "students", "add", "--name", "Ravi", "--enrollment-no", "0801CS212", text)
        #expect(refused.status != 0 && refused.stderr.contains("notes.jpg"), "\(refused)")
        #expect(try await admin(in: directory, "students", "list").stdout.split(separator: "\n").count == 1)

        // Attendance from the device, listed and exported by the command line.
        let now = AttendanceTimestamp.string(from: Date())
        try await device.send(#"{"type":"attendance","student":{"name":"Asha Verma","enrollmentNo":"0801CS211","deviceId":"door-1","studentId":"\#(studentId)","timestamp":"\#(now)"}}"#)
        try await waitUntil(timeout: .seconds(10)) {
            try await admin(in: directory, "attendance", "list").stdout.contains("Asha Verma\t0801CS211\tdoor-1")
        }
        let csv = try await admin(in: directory, "attendance", "export").stdout
        #expect(csv.hasPrefix("date,time,student_id,name,enrollment_no,device_id,status,method\r\n"))
        #expect(csv.contains(",\(studentId),Asha Verma,0801CS211,door-1,present,"))

        // SIGTERM: a clean stop.
        server.send(SIGTERM)
        try await waitUntil(timeout: .seconds(10)) { !server.isRunning }
        #expect(server.wait() == 0)
    }

    @Test func theSchoolIsRunFromTheCommandLineToo() async throws {
        let directory = try Fixtures.scratchDirectory()
        func run(_ arguments: String..., input: String? = nil) async throws -> ProcessOutput {
            try await runProcess(program, arguments, currentDirectory: directory, input: input)
        }
        _ = try await run("organizations", "add", "Springfield High")
        // People: one with a password from standard input (a script), one invited by a link.
        #expect(try await run("users", "add", "head@school.example", "--name", "Head", "--role", "admin", "--password-stdin",
                              input: "correct horse battery\n").status == 0)
        let invited = try await run("users", "add", "t.rao", "--name", "T. Rao", "--role", "teacher", "--server-url", "http://school.example:3001")
        #expect(invited.stdout.contains("their one-time link (three days): http://school.example:3001/#link="), "\(invited)")
        let people = try await run("users", "list").stdout
        #expect(people.contains("head@school.example\tHead\tadmin\tactive") && people.contains("t.rao\tT. Rao\tteacher\tno password yet"))
        #expect(try await run("users", "add", "x", "--name", "X", "--role", "janitor").status != 0, "a role that does not exist")

        // A class from a face_recognition-style folder, checked first: one photo refused, so nothing is enrolled by a dry run.
        let known = directory + "/known"
        try FileManager.default.createDirectory(atPath: known + "/joe_biden", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.face("barack_obama/1.jpg"), toPath: known + "/barack_obama.jpg")
        try FileManager.default.copyItem(atPath: Fixtures.face("joe_biden/1.jpg"), toPath: known + "/joe_biden/1.jpg")
        try FileManager.default.copyItem(atPath: Fixtures.face("_nonfaces/cat.jpg"), toPath: known + "/tom_cat.jpg")
        let dry = try await run("students", "enrol", known, "--dry-run")
        #expect(dry.status == 2, "refused rows make the status 2: \(dry)")
        #expect(dry.stdout.contains("would enrol\tBarack Obama\tBARACK_OBAMA") && dry.stdout.contains("REFUSED\tTom Cat"), "\(dry.stdout)")
        #expect(try await run("students", "list").stdout.isEmpty)
        try FileManager.default.removeItem(atPath: known + "/tom_cat.jpg")
        #expect(try await run("students", "enrol", known).status == 0)
        #expect(try await run("students", "list").stdout.split(separator: "\n").count == 2)

        // The class, its teacher, a door serving it; and its month.
        #expect(try await run("classes", "add", "10A", "--starts-at", "08:30").status == 0)
        #expect(try await run("classes", "teach", "10A", "t.rao").status == 0)
        #expect(try await run("devices", "add", "room-10a", "--server-url", "http://127.0.0.1:3001").status == 0)
        #expect(try await run("classes", "serve", "room-10a", "10A").stdout.contains("room-10a serves 10A"))
        let classes = try await run("classes", "list").stdout
        #expect(classes.contains("10A\t08:30\t0 students\t1 teachers\t1 devices"), "\(classes)")
        let report = try await run("attendance", "report", "--class", "10A")
        #expect(report.status == 0 && report.stdout.hasPrefix("10A, "), "\(report)")
        let csv = try await run("attendance", "report", "--csv")
        #expect(csv.stdout.hasPrefix("name,enrollment_no,school_days,attended,late,rate,current_streak,longest_streak,under_threshold\r\n"))

        // A reset: the password stops working and a link is printed.
        let reset = try await run("users", "reset-password", "head@school.example")
        #expect(reset.stdout.contains("#link="))
        #expect(try await run("users", "list").stdout.contains("head@school.example\tHead\tadmin\tno password yet"))
    }

    /// One release number, and a database from a newer release left alone with the reason.
    @Test func itSaysItsVersionAndRefusesADatabaseFromANewerRelease() async throws {
        let version = try await runProcess(program, ["--version"])
        #expect(version.status == 0 && version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == StreakTrackVersion.number, "\(version)")
        let directory = try Fixtures.scratchDirectory()
        #expect(try await runProcess(program, ["organizations", "add", "Springfield High"], currentDirectory: directory).status == 0)
        let database = try SQLiteDatabase(path: directory + "/streaktrack-data/streaktrack.db")
        try await database.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, '2027-01-01T00:00:00Z')",
                                 .integer(Int64(BackendStores.schemaVersion + 1)))
        await database.close()
        for arguments in [["serve", "--port", "0"], ["students", "list"]] {
            let result = try await runProcess(program, arguments, currentDirectory: directory)
            #expect(result.status == 1 && result.stderr.contains("written by a newer StreakTrack") && result.stderr.contains("nothing was changed"),
                    "\(arguments): \(result)")
        }
    }

    @Test func aStoreThatCannotOpenIsAPlainErrorWithStatusOne() async throws {
        let directory = try Fixtures.scratchDirectory()
        let blocker = directory + "/not-a-folder"
        try Data().write(to: URL(fileURLWithPath: blocker))
        for arguments in [["serve", "--data-dir", blocker + "/data"], ["students", "list", "--data-dir", blocker + "/data"]] {
            let result = try await runProcess(program, arguments, currentDirectory: directory)
            #expect(result.status == 1, "\(arguments): \(result)")
            #expect(result.stderr.contains("cannot open the store (SQLite \(blocker)/data/streaktrack.db)"), "\(result.stderr)")
            #expect(!result.stderr.contains("Usage:"), "a usage text would hide the reason")
        }
    }

    private func start(in directory: String, arguments: [String]) throws -> ChildProcess {
        try ChildProcess(program, arguments, currentDirectory: directory, output: .file(directory + "/server.out"), errors: .null)
    }

    private func output(in directory: String, containing fragment: String) async throws -> String {
        var text = ""
        try await waitUntil(timeout: .seconds(30)) {
            text = (try? String(contentsOfFile: directory + "/server.out", encoding: .utf8)) ?? ""
            return text.contains(fragment)
        }
        return text
    }

    /// An administration command on the running server's data (the same folder).
    private func admin(in directory: String, _ arguments: String...) async throws -> ProcessOutput {
        try await runProcess(program, arguments, currentDirectory: directory)
    }

    private func permissions(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1
    }

    private func deviceURL(_ port: Int, _ device: String, _ organization: String) -> String {
        "ws://127.0.0.1:\(port)/api/ws?deviceId=\(device)&organizationId=\(organization)&isHardware=true"
    }
}
