import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// A device serving classes recognises their students only: its roster holds
/// them, changes of the classes reach it at once, and a mark it sends for
/// anyone else is refused. The day's view then shows marks, lateness, and the
/// corrections a teacher makes, with who made them.
@Suite("Classes and their devices")
struct ClassRosterTests {
    @Test(arguments: StoreKind.allCases)
    func aDeviceRecognisesItsClassesAndTheDayShowsWhoCame(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind)
        defer { Task { await server.stop() } }
        let stores = server.stores
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        let asha = try await stores.roster.addStudent(organizationId: school.id, name: "Asha Verma", enrollmentNo: "A1")
        let ravi = try await stores.roster.addStudent(organizationId: school.id, name: "Ravi Kumar", enrollmentNo: "R1")
        let meera = try await stores.roster.addStudent(organizationId: school.id, name: "Meera Iyer", enrollmentNo: "M1")
        let tenA = try await stores.classes.add(organizationId: school.id, name: "10A", startsAt: "08:30")
        try await stores.classes.setStudents([asha.id, ravi.id], of: tenA.id)
        _ = try await stores.users.add(organizationId: school.id, login: "teacher", name: "T", role: .teacher, password: "correct horse battery")
        try await stores.classes.setTeachers([try await stores.users.user(login: "teacher")!.id], of: tenA.id)
        let teacher = try await SessionClient.signIn(server, login: "teacher", password: "correct horse battery")

        // Without classes a device serves everyone, as before; with 10A, just 10A.
        let secret = try await server.register(device: "room-10a", organization: school.id)
        let device = try await server.device("room-10a", organization: school.id, extra: "&ack=1", secret: secret)
        #expect(try await device.next()?.contains("Meera Iyer") == true)
        try await stores.devices.setClasses([tenA.id], device: DeviceKey("room-10a", of: school.id))
        let pushed = try await device.next(containing: "students", timeout: .seconds(5))
        #expect(pushed.contains("Asha Verma") && pushed.contains("Ravi Kumar") && !pushed.contains("Meera Iyer"), "\(pushed)")

        // Asha comes early, Ravi late; a mark for Meera, not of this room's classes, is refused.
        let today = AttendanceTimestamp.day(of: Date())
        func mark(_ student: Student, at time: String, event: String) -> String {
            #"{"type":"attendance","student":{"name":"\#(student.name)","enrollmentNo":"\#(student.enrollmentNo)","deviceId":"room-10a","studentId":"\#(student.id)","timestamp":"\#(today) \#(time)"},"eventId":"\#(event)"}"#
        }
        try await device.send(mark(asha, at: "08:12:00", event: "e1"))
        #expect(try await device.next(containing: "ack") == #"{"type":"ack","eventId":"e1","status":"stored"}"#)
        try await device.send(mark(ravi, at: "08:41:30", event: "e2"))
        #expect(try await device.next(containing: "ack") == #"{"type":"ack","eventId":"e2","status":"stored"}"#)
        try await device.send(mark(meera, at: "08:15:00", event: "e3"))
        #expect(try await device.next(containing: "ack") == #"{"type":"ack","eventId":"e3","status":"rejected"}"#)

        let day = try #require(try await teacher.get("/api/attendance/day?classId=\(tenA.id)").json() as? [String: Any])
        let marks = Dictionary(uniqueKeysWithValues: (day["students"] as? [[String: Any]] ?? []).map { ($0["name"] as! String, $0["mark"] as! String) })
        #expect(marks == ["Asha Verma": "present", "Ravi Kumar": "late"])
        #expect(day["present"] as? Int == 2 && day["late"] as? Int == 1)

        // The teacher takes Ravi's mark away (he left at once), then marks him absent by hand: both with a reason, both kept.
        #expect(try await teacher.request("POST", "/api/attendance/undo", json: ["studentId": ravi.id, "date": today, "reason": "went home sick"]).status == 204)
        #expect(try await teacher.request("POST", "/api/attendance/corrections",
                                          json: ["studentId": ravi.id, "date": today, "status": "absent", "reason": "sick"]).status == 204)
        #expect(try await teacher.request("POST", "/api/attendance/corrections",
                                          json: ["studentId": ravi.id, "date": today, "status": "absent", "reason": ""]).status == 400, "a reason is required")
        let after = try #require(try await teacher.get("/api/attendance/day?classId=\(tenA.id)").json() as? [String: Any])
        let ravisDay = try #require((after["students"] as? [[String: Any]])?.first { $0["name"] as? String == "Ravi Kumar" })
        #expect(ravisDay["mark"] as? String == "absent" && ravisDay["method"] as? String == "manual"
                && ravisDay["markedBy"] as? String == "user:teacher" && ravisDay["reason"] as? String == "sick")
        let calendar = try #require(try await teacher.get("/api/students/\(ravi.id)/calendar").json() as? [String: Any])
        let history = try #require(calendar["history"] as? [[String: Any]])
        #expect(history.map { $0["change"] as? String } == ["undid the automatic mark", "marked absent"])
        #expect(history.first?["deviceId"] as? String == "room-10a" && history.first?["reason"] as? String == "went home sick")
        // The export says how each mark was made.
        let csv = try await teacher.get("/api/attendance.csv?classId=\(tenA.id)&date=\(today)").text
        #expect(csv.contains(",Ravi Kumar,R1,,absent,manual\r\n") && csv.contains(",Asha Verma,A1,room-10a,present,automatic\r\n"), "\(csv)")
        await device.close()
    }
}
