import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// A school's year: 1,000 students in 25 classes, 200 school days of marks
/// (about 92% present, a few late), read as the dashboard reads it. The figures
/// are printed; nothing fails on time.
@Suite("A school of a thousand")
struct LargeSchoolTests {
    @Test(arguments: StoreKind.allCases)
    func aYearOfAThousandStudentsReadsQuickly(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind)
        defer { Task { await server.stop() } }
        let stores = server.stores
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        let calendar = SchoolCalendar()
        let days = Array(calendar.schoolDays(from: "2025-12-01", to: "2026-11-27").suffix(200))
        let first = days.first!
        let started = ContinuousClock.now

        // Students and classes straight into the store (enrolment's face checks are not what is measured here).
        var students: [String] = []
        for batch in stride(from: 0, to: 1000, by: 250) {
            let ids = (batch..<(batch + 250)).map { _ in ObjectID.make() }
            try await insert(stores, "students (id, organization_id, name, enrollment_no, created_at, enrolled_on)",
                             rows: ids.enumerated().map { i, id in [.text(id), .text(school.id), .text(String(format: "Student %04d", batch + i)),
                                                                    .text(String(format: "E%04d", batch + i)), .text(first), .text(first)] })
            students += ids
        }
        var classes: [String] = []
        for c in 0..<25 {
            let created = try await stores.classes.add(organizationId: school.id, name: String(format: "Class %02d", c), startsAt: "08:30")
            try await stores.classes.setStudents(Array(students[(c * 40)..<(c * 40 + 40)]), of: created.id)
            classes.append(created.id)
        }
        var marks = 0
        for (d, day) in days.enumerated() {
            var rows: [[SQLValue]] = []
            // About 92 % come, at scattered minutes: the same on every run.
            for (i, student) in students.enumerated() where (i * 7919 + d * 104_729) % 100 < 92 {
                let minute = (i * 31 + d * 17) % 40
                let time = String(format: "08:%02d:%02d", minute + 5, minute)
                rows.append([.text(student), .text(day), .text(school.id), .text("door-1"), .text("\(day) \(time)"), .text("present"),
                             .text("automatic"), .text(day + "T08:00:00Z")])
            }
            try await insert(stores, "attendance (student_id, day, organization_id, device_id, timestamp, status, method, received_at)", rows: rows)
            marks += rows.count
        }
        print("\(kind): generated 1,000 students, 25 classes, \(days.count) school days, \(marks) marks in \(ContinuousClock.now - started)")

        let admin = try await SessionClient.signIn(server, login: try await makeAdmin(stores, school.id), password: "correct horse battery")
        let month = String(days.last!.prefix(7)), today = days.last!
        let reads: [(String, String)] = [
            ("one class's day", "/api/attendance/day?classId=\(classes[7])&date=\(today)"),
            ("the whole school's day", "/api/attendance/day?date=\(today)"),
            ("one class's month report", "/api/reports?classId=\(classes[7])&month=\(month)"),
            ("one class's term (200 days)", "/api/reports?classId=\(classes[7])&from=\(first)&to=\(today)"),
            ("the whole school's month report", "/api/reports?month=\(month)"),
            ("a student's calendar (six weeks, streaks over 200 days)", "/api/students/\(students[123])/calendar?to=\(today)"),
            ("a page of 50 students", "/api/students?offset=500&limit=50"),
            ("a search", "/api/students?q=0042"),
        ]
        for (what, path) in reads {
            _ = try await admin.get(path)  // warm
            let start = ContinuousClock.now
            let reply = try await admin.get(path)
            let took = ContinuousClock.now - start
            #expect(reply.status == 200, "\(what): \(reply.text.prefix(200))")
            print("\(kind): \(what): \(took.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1)))), \(reply.body.count) bytes")
        }
        // The figures are right, not only quick: the class's term adds up.
        let report = try #require(try await admin.get("/api/reports?classId=\(classes[7])&from=\(first)&to=\(today)").json() as? [String: Any])
        let daily = try #require(report["daily"] as? [[String: Any]])
        #expect(daily.count == days.count)
        let attended = daily.reduce(0) { $0 + ($1["attended"] as? Int ?? 0) }
        let stored = try await stores.database.query(
            "SELECT COUNT(*) AS n FROM attendance WHERE student_id IN (SELECT student_id FROM class_students WHERE class_id = ?)", .text(classes[7]))
        #expect(Int64(attended) == stored.first?.integer("n"))
    }

    private func makeAdmin(_ stores: BackendStores, _ organizationId: String) async throws -> String {
        _ = try await stores.users.add(organizationId: organizationId, login: "admin", name: "Admin", role: .admin, password: "correct horse battery")
        return "admin"
    }

    /// Rows in batches of one statement each (a few hundred rows at a time).
    private func insert(_ stores: BackendStores, _ table: String, rows: [[SQLValue]]) async throws {
        guard let width = rows.first?.count else { return }
        for start in stride(from: 0, to: rows.count, by: 200) {
            let batch = Array(rows[start..<min(start + 200, rows.count)])
            let values = Array(repeating: "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")", count: batch.count)
            try await stores.database.query("INSERT INTO \(table) VALUES \(values.joined(separator: ","))", batch.flatMap { $0 })
        }
    }
}

