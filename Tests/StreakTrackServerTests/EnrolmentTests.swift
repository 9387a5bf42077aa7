import BackendStore
import FaceEngine
import Foundation
import TestSupport
import Testing

/// Enrolment as a school does it: every photo checked by the real face engine
/// before any device sees it (no face, several, too small, blurred, too dark or
/// bright: refused, saying why), look-alikes reported, and whole classes from a
/// CSV, a folder or a ZIP, checked first and then enrolled.
@Suite("Enrolment checks")
struct EnrolmentTests {
    static let password = "correct horse battery staple"

    /// A server, a school and its admin, signed in.
    func school() async throws -> (RunningServer, SessionClient) {
        let server = try await RunningServer.start(.sqlite)
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        _ = try await server.stores.users.add(organizationId: school.id, login: "admin", name: "Admin", role: .admin, password: Self.password)
        return (server, try await SessionClient.signIn(server, login: "admin", password: Self.password))
    }

    func photo(_ path: String) throws -> String { try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString() }

    /// Obama's first photo (face 223 px wide) made worse by ffmpeg.
    func degraded(_ filter: String) async throws -> String {
        let out = try Fixtures.scratchDirectory() + "/degraded.jpg"
        let made = try await runProcess(try #require(which("ffmpeg")), ["-v", "error", "-y", "-i", Fixtures.face("barack_obama/1.jpg"),
                                                                        "-vf", filter, "-q:v", "2", out])
        try #require(made.status == 0, "\(made.stderr)")
        return try photo(out)
    }

    @Test func everyPhotoIsCheckedAndTheReasonIsSaid() async throws {
        let (server, admin) = try await school()
        defer { Task { await server.stop() } }
        let refused: [(String, String, Int)] = [
            (try photo(Fixtures.face("_nonfaces/cat.jpg")), "no face found", 0),
            (try photo(Fixtures.face("_groups/obama_biden_blue_room.jpg")), "2 faces in the photo", 2),
            (try photo(Fixtures.face("codait_bryan/1.jpg")), "the face is 43 px wide, smaller than 80", 1),
            (try await degraded("gblur=sigma=11"), "too blurred", 1),
            (try await degraded("lutrgb=r=val*0.15:g=val*0.15:b=val*0.15"), "too dark", 1),
            (try await degraded("lutrgb=r=min(val*2.5\\,255):g=min(val*2.5\\,255):b=min(val*2.5\\,255)"), "too bright", 1),
        ]
        for (index, (photo, problem, faces)) in refused.enumerated() {
            let checked = try #require(try await admin.request("POST", "/api/photos/check", json: ["photo": photo]).json() as? [String: Any])
            let check = try #require(checked["check"] as? [String: Any])
            #expect(check["accepted"] as? Bool == false && (check["problem"] as? String)?.contains(problem) == true, "\(check)")
            #expect((check["faces"] as? [Any])?.count == faces, "the boxes to draw: \(check)")
            // Offered for a student, the same photo is refused with 422 and nothing is kept.
            let enrolled = try await admin.request("POST", "/api/students", json: ["name": "Student \(index)", "enrollmentNo": "S\(index)", "photos": [photo]])
            #expect(enrolled.status == 422 && enrolled.text.contains(problem), "\(enrolled.text)")
        }
        #expect(try await server.stores.roster.students(organizationId: admin.organizationId).isEmpty)

        // Accepted: the face is kept with its descriptor, and its crop is served for lists.
        let added = try #require(try await admin.request("POST", "/api/students", json: [
            "name": "Barack Obama", "enrollmentNo": "B1", "photos": [try photo(Fixtures.face("barack_obama/1.jpg"))],
        ]).json() as? [String: Any])
        let student = try #require(added["student"] as? [String: Any])
        let faceURL = try #require((student["faces"] as? [String])?.first)
        let crop = try await HTTPTestClient(base: "http://127.0.0.1:\(server.port)", token: nil)
            .get(String(faceURL.dropFirst("http://127.0.0.1:\(server.port)".count)))
        #expect(crop.status == 200 && crop.headers["content-type"] == "image/jpeg")
        let size = try RGBImageSize.of(crop.body)
        #expect(size.0 == 96 && size.1 == 96)
        let faces = try await server.stores.roster.faces(organizationId: admin.organizationId)
        let reference = try #require(ReferenceDescriptors.shared.images["barack_obama/1.jpg"]?.faces.first?.descriptor)
        let stored = try FaceDescriptor(bytes: try #require(faces.first).face.descriptor)
        let expected = try FaceDescriptor(reference.map(Float.init))
        #expect(stored.distance(to: expected) < 1e-3, "the descriptor face_recognition computes")
    }

    @Test func aLookAlikeIsReported() async throws {
        let (server, admin) = try await school()
        defer { Task { await server.stop() } }
        _ = try await admin.request("POST", "/api/students", json: [
            "name": "Barack Obama", "enrollmentNo": "B1", "photos": [try photo(Fixtures.face("barack_obama/1.jpg"))]])
        // The same man under another name: enrolled (it may be a twin), but said.
        let again = try #require(try await admin.request("POST", "/api/students", json: [
            "name": "Barry O.", "enrollmentNo": "B2", "photos": [try photo(Fixtures.face("barack_obama/2.jpg"))]]).json() as? [String: Any])
        let verdict = try #require((again["photos"] as? [[String: Any]])?.first)
        let alike = try #require((verdict["lookAlikes"] as? [[String: Any]])?.first)
        #expect(alike["name"] as? String == "Barack Obama" && (alike["distance"] as? Double ?? 1) < 0.5)
        let biden = try #require(try await admin.request("POST", "/api/students", json: [
            "name": "Joe Biden", "enrollmentNo": "J1", "photos": [try photo(Fixtures.face("joe_biden/1.jpg"))]]).json() as? [String: Any])
        #expect(((biden["photos"] as? [[String: Any]])?.first?["lookAlikes"] as? [Any])?.isEmpty == true)
        let audit = try #require(try await admin.get("/api/audit").json() as? [[String: Any]])
        #expect(audit.contains { ($0["detail"] as? String)?.contains("looks like Barack Obama") == true })
    }

    /// Six students enrolled with photos of one man: a seventh photo of him names the
    /// nearest five and counts the sixth (a verdict stays small however many match).
    @Test func manyLookAlikesAreNamedFewAndCounted() async throws {
        let (server, admin) = try await school()
        defer { Task { await server.stop() } }
        for i in 1...6 {
            let made = try await admin.request("POST", "/api/students", json: [
                "name": "Student \(i)", "enrollmentNo": "S\(i)", "photos": [try photo(Fixtures.face("john_salley/\(i).jpg"))]])
            try #require(made.status == 201, "\(made.text)")
        }
        let check = try #require(try await admin.request("POST", "/api/photos/check", json: [
            "photo": try photo(Fixtures.face("john_salley/1.jpg"))]).json() as? [String: Any])
        let named = try #require(check["lookAlikes"] as? [[String: Any]])
        let distances = named.compactMap { $0["distance"] as? Double }
        #expect(named.count == 5 && check["otherLookAlikes"] as? Int == 1, "\(check)")
        #expect(distances == distances.sorted() && distances.first == 0, "nearest first: the very photo of Student 1")
    }

    @Test func aClassFromACSVAndAFolderIsCheckedThenEnrolled() async throws {
        let (server, admin) = try await school()
        defer { Task { await server.stop() } }
        let csv = "name,enrollment_no,classes,photos\nBarack Obama,B1,10A,obama.jpg\nJoe Biden,J1,10A;Choir,biden.jpg;biden2.jpg\n"
            + "Tom Cat,T1,10A,cat.jpg\nRavi Kumar,R1,10B,missing.jpg\n"
        let files = ["obama.jpg": "barack_obama/1.jpg", "biden.jpg": "joe_biden/1.jpg", "biden2.jpg": "joe_biden/2.jpg", "cat.jpg": "_nonfaces/cat.jpg"]
        let id = try #require((try await admin.request("POST", "/api/enrolments", json: ["csv": csv]).json() as? [String: Any])?["id"] as? String)
        for (name, source) in files {
            let put = try await admin.request("PUT", "/api/enrolments/\(id)/files/photos/\(name)", body: try Data(contentsOf: URL(fileURLWithPath: Fixtures.face(source))))
            #expect(put.status == 204, "\(put.text)")
        }
        let checked = try await finished(admin, id, after: "check")
        #expect(checked["state"] as? String == "checked")
        let outcomes = try #require(checked["outcomes"] as? [[String: Any]])
        #expect(outcomes.map { $0["action"] as? String } == ["enrol", "enrol", "refused", "refused"])
        #expect(outcomes.map { $0["line"] as? Int } == [2, 3, 4, 5])
        #expect((outcomes[1]["newClasses"] as? [String]) == ["10A", "Choir"])
        #expect((outcomes[2]["problems"] as? [String])?.first?.contains("cat.jpg: no face found") == true)
        #expect((outcomes[3]["problems"] as? [String])?.first?.contains("no file missing.jpg") == true)
        #expect(try await server.stores.roster.students(organizationId: admin.organizationId).isEmpty, "a dry run changes nothing")

        let run = try await finished(admin, id, after: "run")
        #expect(run["state"] as? String == "done")
        let students = try await server.stores.roster.students(organizationId: admin.organizationId)
        #expect(students.map(\.name) == ["Barack Obama", "Joe Biden"])
        #expect(students.map(\.photoIds.count) == [1, 2])
        let classes = try await server.stores.classes.classes(organizationId: admin.organizationId)
        #expect(classes.map(\.name) == ["10A", "Choir"] && classes[0].studentIds.count == 2 && classes[1].studentIds.count == 1)
    }

    @Test func aFaceRecognitionStyleZIPIsEnrolledByName() async throws {
        let (server, admin) = try await school()
        defer { Task { await server.stop() } }
        // known/asha_verma.jpg and known/joe_biden/1.jpg, 2.jpg, zipped by Python's zipfile.
        let folder = try Fixtures.scratchDirectory()
        try FileManager.default.createDirectory(atPath: folder + "/known/joe_biden", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.face("john_salley/1.jpg"), toPath: folder + "/known/asha_verma.jpg")
        for i in [1, 2] { try FileManager.default.copyItem(atPath: Fixtures.face("joe_biden/\(i).jpg"), toPath: folder + "/known/joe_biden/\(i).jpg") }
        let zip = folder + "/known.zip"
        let zipped = try await runProcess(which("python3") ?? "/usr/bin/python3", ["-c", "import shutil, sys; shutil.make_archive(sys.argv[1][:-4], 'zip', sys.argv[2])", zip, folder])
        try #require(zipped.status == 0, "\(zipped.stderr)")
        let id = try #require((try await admin.request("POST", "/api/enrolments", json: [:]).json() as? [String: Any])?["id"] as? String)
        #expect(try await admin.request("PUT", "/api/enrolments/\(id)/files/known.zip", body: try Data(contentsOf: URL(fileURLWithPath: zip))).status == 204)
        // A path that would leave the enrolment's folder is refused.
        #expect(try await admin.request("PUT", "/api/enrolments/\(id)/files/..%2F..%2Fescape.jpg", body: Data([1])).status == 400)
        let run = try await finished(admin, id, after: "run")
        let outcomes = try #require(run["outcomes"] as? [[String: Any]])
        #expect(outcomes.map { $0["name"] as? String } == ["Asha Verma", "Joe Biden"])
        #expect(outcomes.map { $0["enrollmentNo"] as? String } == ["ASHA_VERMA", "JOE_BIDEN"])
        let students = try await server.stores.roster.students(organizationId: admin.organizationId)
        #expect(students.map(\.photoIds.count) == [1, 2])
    }

    /// Starts the check or the run and polls until it is over.
    func finished(_ admin: SessionClient, _ id: String, after step: String) async throws -> [String: Any] {
        #expect(try await admin.request("POST", "/api/enrolments/\(id)/\(step)").status == 202)
        var status: [String: Any] = [:]
        try await waitUntil(timeout: .seconds(120)) {
            status = try await admin.get("/api/enrolments/\(id)").json() as? [String: Any] ?? [:]
            return ["checked", "done", "failed"].contains(status["state"] as? String ?? "")
        }
        return status
    }
}

/// The size of a JPEG, read from its frame header.
enum RGBImageSize {
    static func of(_ data: Data) throws -> (Int, Int) {
        let bytes = Array(data)
        var i = 2
        while i + 9 < bytes.count {
            let marker = bytes[i + 1]
            if (0xC0...0xC2).contains(marker) {
                return (Int(bytes[i + 7]) << 8 | Int(bytes[i + 8]), Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]))
            }
            i += 2 + (Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]))
        }
        throw CocoaError(.fileReadCorruptFile)
    }
}
