import ChildProcess
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// The second attack run's uploads (issue 18): four 190 MB uploads at once by a
/// co-admin took a server from 448 MB to 2 GB, held up every school's bulk
/// enrolment for minutes, and SIGTERM then did not stop it within 7 s. Against a
/// real `streaktrack-server` process, with real uploads (curl, from disk) and its
/// peak memory read from the kernel (VmHWM).
@Suite("Uploads under attack", .serialized)
struct UploadsUnderAttackTests {
    let program = Fixtures.executable("streaktrack-server")
    static let password = "correct horse battery staple"
    static let token = "uploads-test-admin-token-0123456789abcdef"

    struct Missing: Error, CustomStringConvertible { let description: String }

    /// A signed-in person as curl and raw requests need them.
    struct Person {
        let cookie: String
        let csrf: String
        var headers: [String: String] { ["Cookie": cookie, "X-CSRF-Token": csrf] }
    }

    @Test func hugeUploadsAtOnceCostLittleMemoryHoldUpNoOtherSchoolAndAStopIsPrompt() async throws {
        guard let curl = which("curl") else { throw Missing(description: "curl is not installed: `scripts/setup --with-test-tools` installs it") }
        let directory = try Fixtures.scratchDirectory()
        let port = try freePort()
        let server = try ChildProcess(program, ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--admin-token", Self.token,
                                                "--log-level", "warning"],
                                      currentDirectory: directory, output: .file(directory + "/server.out"), errors: .file(directory + "/server.err"))
        defer { if server.isRunning { server.send(SIGKILL); _ = server.wait() } }
        let base = "http://127.0.0.1:\(port)"
        try await waitUntil(timeout: .seconds(60)) {
            guard server.isRunning else { throw Missing(description: "the server exited at start: see \(directory)/server.err") }
            return (try? await HTTPTestClient(base: base, token: nil).get("/healthz/live").status) == 200
        }
        let admin = HTTPTestClient(base: base, token: Self.token)
        let schools = try #require(try await admin.get("/api/organizations").json() as? [[String: Any]])
        let springfield = try #require(schools.first?["id"] as? String)
        let shelbyville = try #require(try await admin.request("POST", "/api/organizations", json: ["name": "Shelbyville High"]).json()
            as? [String: Any])["id"] as? String
        let other = try #require(shelbyville)

        // Two co-admins of the first school, each sending two uploads at once: the four of the attack.
        var people: [Person] = []
        for login in ["co1", "co2"] {
            let added = try await runProcess(program, ["users", "add", login, "--name", login, "--role", "coadmin", "--password-stdin",
                                                       "--organization", springfield], currentDirectory: directory, input: Self.password)
            #expect(added.status == 0, "\(added)")
            let signedIn = try await RawHTTP.post(port: port, "/api/login", json: ["login": login, "password": Self.password])
            let cookie = try #require(signedIn.headers["set-cookie"]?.split(separator: ";").first.map(String.init), "\(signedIn)")
            let csrf = try #require((try JSONSerialization.jsonObject(with: Data(signedIn.body.utf8)) as? [String: Any])?["csrf"] as? String)
            people.append(Person(cookie: cookie, csrf: csrf))
        }
        let job = try await RawHTTP.post(port: port, "/api/enrolments", json: [:], headers: people[0].headers)
        let jobId = try #require((try JSONSerialization.jsonObject(with: Data(job.body.utf8)) as? [String: Any])?["id"] as? String, "\(job)")
        let big = directory + "/big.zip"
        let made = try await runProcess("dd", ["if=/dev/urandom", "of=\(big)", "bs=1M", "count=190", "status=none"])
        #expect(made.status == 0)

        func upload(_ person: Person, _ name: String, rate: String) throws -> ChildProcess {
            var arguments = ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", big, "-X", "PUT", "--limit-rate", rate]
            for (header, value) in person.headers { arguments += ["-H", "\(header): \(value)"] }
            return try ChildProcess(curl, arguments + ["\(base)/api/enrolments/\(jobId)/files/\(name)"],
                                    output: .file("\(directory)/\(name).status"), errors: .file("\(directory)/\(name).err"))
        }
        func finished(_ uploads: [ChildProcess], names: [String]) async throws -> [String] {
            try await waitUntil(timeout: .seconds(120)) { uploads.allSatisfy { !$0.isRunning } }
            return names.map { (try? String(contentsOfFile: "\(directory)/\($0).status", encoding: .utf8)) ?? "?" }
        }

        let before = try Self.memory(of: server.pid)
        let names = ["a1.zip", "a2.zip", "b1.zip", "b2.zip"]
        // About five seconds each, so that all four are under way together.
        let uploads = try names.enumerated().map { try upload(people[$0.offset / 2], $0.element, rate: "40M") }
        try await Task.sleep(for: .milliseconds(500))
        // A fifth from someone already sending two: refused at once, not queued in memory.
        let fifth = try await RawHTTP.request(port: port, "PUT", "/api/enrolments/\(jobId)/files/a3.zip", headers: people[0].headers, body: "x")
        #expect(fifth.status == 429, "\(fifth)")
        // Meanwhile another school starts its own bulk enrolment and has it checked.
        let started = ContinuousClock.now
        let otherJob = try await admin.request("POST", "/api/enrolments", json: ["organizationId": other])
        let otherStartedIn = ContinuousClock.now - started
        #expect(otherJob.status == 201, "\(otherJob.text)")
        let otherId = try #require((try otherJob.json() as? [String: Any])?["id"] as? String)
        let photo = try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("john_salley/1.jpg")))
        var request = URLRequest(url: URL(string: "\(base)/api/enrolments/\(otherId)/files/John%20Salley/1.jpg")!)
        request.httpMethod = "PUT"
        request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
        let (_, stored) = try await URLSession.shared.upload(for: request, from: photo)
        #expect((stored as? HTTPURLResponse)?.statusCode == 204)
        #expect(try await admin.request("POST", "/api/enrolments/\(otherId)/check").status == 202)
        try await waitUntil(timeout: .seconds(60)) {
            (try await admin.get("/api/enrolments/\(otherId)").json() as? [String: Any])?["state"] as? String == "checked"
        }
        let otherCheckedIn = ContinuousClock.now - started
        let stillUploading = uploads.filter(\.isRunning).count
        let statuses = try await finished(uploads, names: names)
        // Random bytes are no ZIP: received whole (under the 200 MB limit), then refused as unreadable.
        #expect(statuses == ["400", "400", "400", "400"], "\(statuses)")
        let after = try Self.memory(of: server.pid)
        let grown = after.peak - before.resident
        print("uploads: 4 × 190 MB at once: resident \(before.resident >> 20) MB before, peak \(after.peak >> 20) MB (+\(grown >> 20) MB); "
              + "another school's enrolment started in \(otherStartedIn), checked in \(otherCheckedIn) with \(stillUploading) uploads still under way")
        #expect(grown < 300 << 20, "uploads are streamed to disk: peak \(after.peak >> 20) MB from \(before.resident >> 20) MB")

        // A stop under the same load: four slow uploads in flight, then SIGTERM.
        let slow = try names.enumerated().map { try upload(people[$0.offset / 2], $0.element, rate: "2M") }
        try await Task.sleep(for: .seconds(1))
        #expect(slow.allSatisfy { $0.isRunning })
        let stopping = ContinuousClock.now
        server.send(SIGTERM)
        try await waitUntil(timeout: .seconds(30)) { !server.isRunning }
        let stoppedIn = ContinuousClock.now - stopping
        print("uploads: SIGTERM with 4 uploads under way: stopped in \(stoppedIn)")
        #expect(stoppedIn < .seconds(10), "a stop cancels what is left after a few seconds: \(stoppedIn)")
        for upload in slow where upload.isRunning { upload.send(SIGKILL) }
        _ = try await finished(slow, names: names)
    }

    /// Resident and peak resident bytes of a process, from /proc.
    static func memory(of pid: pid_t) throws -> (resident: Int, peak: Int) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kilobytes(_ field: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) << 10
        }
        return (kilobytes("VmRSS"), kilobytes("VmHWM"))
    }
}
