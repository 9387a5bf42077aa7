import Foundation
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
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let banner = try await output(in: directory, containing: "add a student")
        #expect(banner.contains("StreakTrack server listening on 0.0.0.0:\(port) (SQLite streaktrack-data/streaktrack.db)"))
        #expect(banner.contains("streaktrack-server students add --name"))
        #expect(banner.contains("WARNING: device authentication is OFF"))
        let token = try #require(banner.firstMatch(of: /#token=([0-9a-f]{64})/)?.1)
        let organization = String(try #require(banner.firstMatch(of: /with id ([0-9a-f]{24})/)?.1))
        let http = HTTPTestClient(base: "http://127.0.0.1:\(port)", token: String(token))
        #expect(try await http.get("/healthz").status == 200)

        // A device connects; a student enrolled from the command line reaches it without reconnecting.
        let device = try await TestSocket.connect(deviceURL(port, "door-1", organization))
        #expect(try await device.next() == #"{"students":[]}"#)
        let photo = Fixtures.face("john_salley/1.jpg")
        let added = try await admin(in: directory, "students", "add", "--name", "Asha Verma", "--enrollment-no", "0801CS211", photo)
        #expect(added.status == 0 && added.stdout.contains("\tAsha Verma\t0801CS211\t1 photo(s)"), "\(added)")
        let studentId = try #require(added.stdout.split(separator: "\t").first.map(String.init))
        let roster = try await device.next(containing: "Asha Verma", timeout: .seconds(10))
        let photoPath = try #require(roster.firstMatch(of: /\/photos\/[0-9a-zA-Z]+/).map { String($0.0) })
        let served = try await http.get(photoPath)
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

        // Device authentication switched on from the command line: only a registered device with its secret gets in.
        let registered = try await admin(in: directory, "devices", "add", "door-2", "--name", "Back door")
        let secret = try #require(registered.stdout.split(separator: "\n").last.map(String.init))
        #expect(secret.count == 64)
        #expect(try await admin(in: directory, "devices", "require-secret", "on").status == 0)
        let stranger = try await TestSocket.connect(deviceURL(port, "door-9", organization))
        #expect(try await stranger.next()?.contains("error") == true)
        #expect(try await stranger.next() == nil, "closed")
        let withSecret = try await TestSocket.connect(deviceURL(port, "door-2", organization),
                                                      headers: [ConnectionParameters.secretHeader: secret])
        #expect(try await withSecret.next()?.hasPrefix(#"{"students":["#) == true)
        #expect(try await admin(in: directory, "devices", "list").stdout.contains("door-2\tBack door\tonline"))

        // SIGTERM: a clean stop.
        kill(server.processIdentifier, SIGTERM)
        try await waitUntil(timeout: .seconds(10)) { !server.isRunning }
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
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

    private func start(in directory: String, arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        _ = FileManager.default.createFile(atPath: directory + "/server.out", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: directory + "/server.out")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
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

    private func deviceURL(_ port: Int, _ device: String, _ organization: String) -> String {
        "ws://127.0.0.1:\(port)/api/ws?deviceId=\(device)&organizationId=\(organization)&isHardware=true"
    }
}
