import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// Who may do what, request by request, as each role signed in over HTTP:
/// an admin everything in their organization, a co-admin all but people, a
/// teacher their own classes only, and nobody anything in another organization.
@Suite("Roles")
struct RolesTests {
    /// A school with two classes, a student in each, an admin, a co-admin and the
    /// teacher of 10A; and another school with its own admin.
    struct School {
        let server: RunningServer
        let organizationId: String
        let classA: String, classB: String
        let asha: String, ravi: String
        let admin: SessionClient, coadmin: SessionClient, teacher: SessionClient, outsider: SessionClient

        static let password = "correct horse battery staple"

        static func make(_ kind: StoreKind) async throws -> School {
            let server = try await RunningServer.start(kind)
            let stores = server.stores
            let school = try await stores.roster.addOrganization(name: "Springfield High")
            let other = try await stores.roster.addOrganization(name: "Shelbyville High")
            let asha = try await stores.roster.addStudent(organizationId: school.id, name: "Asha Verma", enrollmentNo: "A1")
            let ravi = try await stores.roster.addStudent(organizationId: school.id, name: "Ravi Kumar", enrollmentNo: "R1")
            let classA = try await stores.classes.add(organizationId: school.id, name: "10A", startsAt: "08:30")
            let classB = try await stores.classes.add(organizationId: school.id, name: "10B")
            try await stores.classes.setStudents([asha.id], of: classA.id)
            try await stores.classes.setStudents([ravi.id], of: classB.id)
            for (login, role, organization) in [("admin", Role.admin, school.id), ("co", .coadmin, school.id), ("teacher", .teacher, school.id),
                                                ("outsider", .admin, other.id)] {
                _ = try await stores.users.add(organizationId: organization, login: login, name: login.capitalized, role: role, password: password)
            }
            try await stores.classes.setTeachers([try await stores.users.user(login: "teacher")!.id], of: classA.id)
            func signIn(_ login: String) async throws -> SessionClient { try await SessionClient.signIn(server, login: login, password: password) }
            return School(server: server, organizationId: school.id, classA: classA.id, classB: classB.id, asha: asha.id, ravi: ravi.id,
                          admin: try await signIn("admin"), coadmin: try await signIn("co"), teacher: try await signIn("teacher"),
                          outsider: try await signIn("outsider"))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func eachRoleDoesExactlyWhatItMay(kind: StoreKind) async throws {
        let s = try await School.make(kind)
        defer { Task { await s.server.stop() } }
        let people = [("admin", s.admin), ("co-admin", s.coadmin), ("teacher", s.teacher), ("another school's admin", s.outsider)]
        // (what, method, path, body (made anew for each person), expected status for admin, co-admin, teacher, outsider)
        let today = AttendanceTimestamp.day(of: Date())
        let month = String(today.prefix(7))
        let cases: [(String, String, String, () -> [String: Any]?, [Int])] = [
            ("list people (co-admins choose teachers from it)", "GET", "/api/users", { nil }, [200, 200, 403, 200]),
            ("invite an admin", "POST", "/api/users", { ["login": "new-\(UUID())", "name": "N", "role": "admin"] }, [201, 403, 403, 201]),
            ("read the audit log", "GET", "/api/audit", { nil }, [200, 403, 403, 200]),
            ("add a class", "POST", "/api/classes", { ["name": "11-\(UUID())"] }, [201, 201, 403, 201]),
            ("see 10B's students", "GET", "/api/students?classId=\(s.classB)", { nil }, [200, 200, 403, 403]),
            ("see 10A's day", "GET", "/api/attendance/day?classId=\(s.classA)", { nil }, [200, 200, 200, 403]),
            ("see 10B's day", "GET", "/api/attendance/day?classId=\(s.classB)", { nil }, [200, 200, 403, 403]),
            ("see the whole school's day", "GET", "/api/attendance/day", { nil }, [200, 200, 403, 200]),
            ("correct Asha (10A)", "POST", "/api/attendance/corrections",
             { ["studentId": s.asha, "date": today, "status": "present", "reason": "seen in class"] }, [204, 204, 204, 403]),
            ("correct Ravi (10B)", "POST", "/api/attendance/corrections",
             { ["studentId": s.ravi, "date": today, "status": "absent", "reason": "sent home"] }, [204, 204, 403, 403]),
            ("see Ravi (10B)", "GET", "/api/students/\(s.ravi)", { nil }, [200, 200, 403, 403]),
            ("see Asha (10A)", "GET", "/api/students/\(s.asha)", { nil }, [200, 200, 200, 403]),
            ("see Ravi's calendar", "GET", "/api/students/\(s.ravi)/calendar", { nil }, [200, 200, 403, 403]),
            ("see 10A's report", "GET", "/api/reports?classId=\(s.classA)&month=\(month)", { nil }, [200, 200, 200, 403]),
            ("see the school's report", "GET", "/api/reports?month=\(month)", { nil }, [200, 200, 403, 200]),
            ("register a device", "POST", "/api/devices", { ["deviceId": "door-\(UUID().uuidString.prefix(8))"] }, [201, 201, 403, 201]),
            ("set holidays", "PUT", "/api/calendar/holidays/2026-12-25", { ["name": "Christmas"] }, [204, 204, 403, 204]),
        ]
        for (what, method, path, body, expected) in cases {
            for ((role, client), status) in zip(people, expected) {
                let reply = try await client.request(method, path, json: body())
                #expect(reply.status == status, "\(role): \(what) → \(reply.status) \(reply.text)")
            }
        }
        // What a teacher sees is filtered, not refused: their class and its students only.
        let classes = try #require(try await s.teacher.get("/api/classes").json() as? [[String: Any]])
        #expect(classes.map { $0["name"] as? String } == ["10A"])
        let students = try #require(try await s.teacher.get("/api/students").json() as? [String: Any])
        #expect((students["students"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Asha Verma"])
        // Another school's admin sees their own organization only, whatever they name.
        let theirs = try #require(try await s.outsider.get("/api/students").json() as? [String: Any])
        #expect(theirs["total"] as? Int == 0)
        #expect(try await s.outsider.get("/api/students?organizationId=\(s.organizationId)").status == 403)
        // Every change above left a line naming who made it.
        let audit = try #require(try await s.admin.get("/api/audit?limit=500").json() as? [[String: Any]])
        #expect(audit.contains { $0["actor"] as? String == "user:teacher" && $0["action"] as? String == "attendance.correct" })
        #expect(audit.contains { $0["actor"] as? String == "user:co" && $0["action"] as? String == "class.add" })
    }

    @Test func aTeacherWatchesOnlyTheDevicesServingTheirClasses() async throws {
        let s = try await School.make(.sqlite)
        defer { Task { await s.server.stop() } }
        let stores = s.server.stores
        let secretA = try await s.server.register(device: "room-a", organization: s.organizationId)
        _ = try await s.server.register(device: "room-b", organization: s.organizationId)
        let secretMain = try await s.server.register(device: "main-gate", organization: s.organizationId)
        try await stores.devices.setClasses([s.classA], device: DeviceKey("room-a", of: s.organizationId))
        try await stores.devices.setClasses([s.classB], device: DeviceKey("room-b", of: s.organizationId))
        // The main gate serves no class, so the whole school: the teacher's students pass it too.
        let listed = try #require(try await s.teacher.get("/api/devices").json() as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == ["main-gate", "room-a"])

        func dashboard(_ device: String) async throws -> TestSocket {
            try await s.server.socket("deviceId=\(device)&organizationId=\(s.organizationId)&isHardware=false&status=1",
                                      headers: ["Cookie": s.teacher.cookie])
        }
        let own = try await dashboard("room-a")
        #expect(try await own.next() == #"{"type":"device_status","deviceId":"room-a","online":false}"#, "signed in by the page's cookie")
        let other = try await dashboard("room-b")
        #expect(try await other.next() == #"{"error":"Unauthorized"}"#)
        // Nor can they start another room's camera through their own socket.
        let device = try await s.server.device("room-a", organization: s.organizationId, secret: secretA)
        _ = try await device.next()
        try await own.send(#"{"type":"start_stream","targetDeviceId":"room-b"}"#)
        #expect(try await own.next(containing: "error") == #"{"error":"Not allowed to watch room-b"}"#)

        // At the main gate the teacher hears of their own students only; the admin of everyone.
        let gate = try await dashboard("main-gate")
        _ = try await gate.next()  // its status
        let adminGate = try await s.server.socket("deviceId=main-gate&organizationId=\(s.organizationId)&isHardware=false",
                                                  headers: ["Cookie": s.admin.cookie])
        let mainGate = try await s.server.device("main-gate", organization: s.organizationId, secret: secretMain)
        _ = try await mainGate.next()
        func mark(_ studentId: String, _ name: String) -> String {
            #"{"type":"attendance","student":{"name":"\#(name)","enrollmentNo":"X","deviceId":"main-gate","studentId":"\#(studentId)","timestamp":"2026-11-24 08:05:00"}}"#
        }
        try await mainGate.send(mark(s.ravi, "Ravi"))
        try await mainGate.send(mark(s.asha, "Asha"))
        #expect(try await adminGate.next(containing: "attendance").contains(s.ravi))
        #expect(try await adminGate.next(containing: "attendance").contains(s.asha))
        let heard = try await gate.next(containing: "attendance")
        #expect(heard.contains(s.asha), "\(heard)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(!gate.pending.contains { $0.contains(s.ravi) }, "another class's student is not the teacher's to see")
        for socket in [own, device, gate, adminGate, mainGate] { await socket.close() }
    }
    /// The second attack run's HIGH finding: another school's admin named their own organization
    /// in the URL and watched this school's door (frames and marks). Whether a door may be watched
    /// is decided from the door's organization, whatever the request names.
    @Test(arguments: StoreKind.allCases)
    func anotherSchoolsAdminNeverWatchesYourDoor(kind: StoreKind) async throws {
        let s = try await School.make(kind)
        defer { Task { await s.server.stop() } }
        let secretA = try await s.server.register(device: "door-a", organization: s.organizationId)
        let secretX = try await s.server.register(device: "door-x", organization: s.outsider.organizationId)
        let doorA = try await s.server.device("door-a", organization: s.organizationId, secret: secretA)
        _ = try await doorA.next()
        let doorX = try await s.server.device("door-x", organization: s.outsider.organizationId, secret: secretX)
        _ = try await doorX.next()

        // Their own organization in the URL, their own cookie: refused, as with any other organization named.
        for named in [s.outsider.organizationId, s.organizationId] {
            let spy = try await s.server.socket("deviceId=door-a&organizationId=\(named)&isHardware=false&status=1",
                                                headers: ["Cookie": s.outsider.cookie])
            #expect(try await spy.next() == #"{"error":"Unauthorized"}"#, "organization \(named) named")
            #expect(try await spy.closeCode() == 1008)
        }
        // Through a socket on their own door, a start_stream for ours: refused, and our door hears nothing.
        let own = try await s.server.socket("deviceId=door-x&organizationId=\(s.outsider.organizationId)&isHardware=false&status=1",
                                            headers: ["Cookie": s.outsider.cookie])
        #expect(try await own.next() == #"{"type":"device_status","deviceId":"door-x","online":true}"#)
        try await own.send(#"{"type":"start_stream","targetDeviceId":"door-a"}"#)
        #expect(try await own.next(containing: "error") == #"{"error":"Not allowed to watch door-a"}"#)
        // Our door's mark reaches our admin, never theirs; their devices list does not show it.
        let ours = try await s.server.socket("deviceId=door-a&organizationId=\(s.organizationId)&isHardware=false&status=1",
                                             headers: ["Cookie": s.admin.cookie])
        #expect(try await ours.next() == #"{"type":"device_status","deviceId":"door-a","online":true}"#, "watching before the mark")
        try await doorA.send(#"{"type":"attendance","student":{"name":"Asha","enrollmentNo":"A1","deviceId":"door-a","studentId":"\#(s.asha)","timestamp":"2026-11-24 08:05:00"}}"#)
        #expect(try await ours.next(containing: "attendance").contains(s.asha))
        try await Task.sleep(for: .milliseconds(300))
        #expect(!doorA.pending.contains { $0.contains("start_stream") }, "their command never reached our door: \(doorA.pending)")
        #expect(!own.pending.contains { $0.contains(s.asha) })
        let listed = try #require(try await s.outsider.get("/api/devices").json() as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == ["door-x"])

        // Device ids are each organization's own: the other school registers a "door-a" of its own
        // (before, it was told ours "belongs to another organization"), and the two doors never meet.
        let theirDoorA = try await s.outsider.request("POST", "/api/devices", json: ["deviceId": "door-a"])
        #expect(theirDoorA.status == 201, "\(theirDoorA.text)")
        let theirSecret = try #require((try theirDoorA.json() as? [String: Any])?["secret"] as? String)
        let theirs = try await s.server.device("door-a", organization: s.outsider.organizationId, secret: theirSecret)
        #expect(try await theirs.next() == #"{"students":[]}"#, "their roster, not ours")
        #expect(doorA.isOpen, "our door-a keeps its connection")
        let theirView = try await s.server.socket("deviceId=door-a&organizationId=\(s.outsider.organizationId)&isHardware=false&status=1",
                                                  headers: ["Cookie": s.outsider.cookie])
        #expect(try await theirView.next() == #"{"type":"device_status","deviceId":"door-a","online":true}"#)
        try await theirView.send(#"{"type":"start_stream"}"#)
        #expect(try await theirs.next(containing: "start_stream") == #"{"type":"start_stream"}"#, "their camera is started")
        try await doorA.send(#"{"type":"attendance","student":{"name":"Asha","enrollmentNo":"A1","deviceId":"door-a","studentId":"\#(s.asha)","timestamp":"2026-11-24 08:06:00"}}"#)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!doorA.pending.contains { $0.contains("start_stream") } && !theirView.pending.contains { $0.contains(s.asha) },
                "their door's commands and our door's marks stay with their own organization")
        #expect(try await s.admin.request("POST", "/api/devices", json: ["deviceId": "door-a"]).status == 409, "our own id is still ours")
        for socket in [doorA, doorX, own, ours, theirs, theirView] { await socket.close() }
    }
}
