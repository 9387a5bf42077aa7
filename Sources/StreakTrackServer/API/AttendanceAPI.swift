import BackendStore
import Foundation
import Hummingbird
import StreakTrackProtocol

/// Attendance as a school reads and corrects it: records and CSV, a day by class
/// (present, late, absent), corrections by hand with a reason and their history,
/// a student's calendar and streaks, and a class's or the school's report.
/// A teacher sees and corrects their own classes only.
struct AttendanceAPI: APIRoutes {
    let services: ServerServices

    private var today: String { AttendanceTimestamp.day(of: Date()) }

    func register(on api: RouterGroup<ServerRequestContext>) {
        api.get("attendance") { request, context in
            try JSONResponse.make(try await records(request, context))
        }
        api.get("attendance.csv") { request, context in
            let records = try await records(request, context)
            let (from, to) = try range(request)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"attendance-\(from)-to-\(to).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: AttendanceCSV.text(records))))
        }
        api.get("attendance/day") { request, context in
            let group = try await group(request, context)
            let day = request.query("date") ?? today
            guard AttendanceTimestamp.validDay(day) != nil else { throw APIError(.badRequest, "\(day) is not a date (YYYY-MM-DD)") }
            return try JSONResponse.make(try await stores.reports.day(day, group: group, today: today))
        }
        api.post("attendance/corrections") { request, context in
            struct Body: Decodable {
                let studentId: String; let date: String; let status: AttendanceStore.Status; let reason: String
                /// When the student came (`HH:MM`), if known.
                let time: String?
            }
            let body = try await body(Body.self, of: request)
            try await operations.correctAttendance(of: body.studentId, on: body.date, to: body.status, reason: body.reason, arrivedAt: body.time,
                                                   by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        api.post("attendance/undo") { request, context in
            struct Body: Decodable { let studentId: String; let date: String; let reason: String }
            let body = try await body(Body.self, of: request)
            try await operations.undoAttendance(of: body.studentId, on: body.date, reason: body.reason, by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        api.get("students/:id/calendar") { request, context in
            struct CalendarJSON: Encodable {
                let calendar: AttendanceReports.StudentCalendar
                let history: [AttendanceStore.Change]
            }
            let principal = try context.requirePrincipal()
            let student = try await services.operations.requireStudent(try context.parameters.require("id"), for: principal)
            let to = request.query("to") ?? today
            let from = request.query("from") ?? SchoolCalendar.day(to, plus: -41)
            try checkRange(from, to)
            let calendar = try await stores.reports.calendar(studentId: student.id, organizationId: student.organizationId,
                                                             from: from, to: to, today: today)
            return try JSONResponse.make(CalendarJSON(calendar: calendar,
                                                      history: try await stores.attendance.history(studentId: student.id, from: from, to: to)))
        }
        api.get("reports") { request, context in
            try JSONResponse.make(try await report(request, context))
        }
        api.get("reports.csv") { request, context in
            let report = try await report(request, context)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"report-\(report.from)-to-\(report.to).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: ReportCSV.text(report))))
        }
    }

    /// The records of a range, of the school (admins, co-admins) or of one class.
    private func records(_ request: Request, _ context: ServerRequestContext) async throws -> [AttendanceRecord] {
        let group = try await group(request, context)
        let (from, to) = try range(request)
        let all = try await stores.attendance.records(organizationId: group.organizationId, from: from, to: to)
        guard let classId = group.classId, let members = try await stores.classes.schoolClass(classId)?.studentIds else { return all }
        let inClass = Set(members)
        return all.filter { inClass.contains($0.studentId) }
    }

    /// `classId` when given (a teacher must give one of theirs), else the whole organization (admins and co-admins).
    private func group(_ request: Request, _ context: ServerRequestContext) async throws -> AttendanceReports.Group {
        let principal = try context.requirePrincipal()
        if let classId = request.query("classId") {
            let schoolClass = try await services.operations.requireClass(classId, for: principal)
            return AttendanceReports.Group(organizationId: schoolClass.organizationId, classId: classId)
        }
        return AttendanceReports.Group(organizationId: try await organization(request, context, needs: .allAttendance))
    }

    /// `date`, or `from`/`to`, or `month` (`YYYY-MM`); today by default.
    private func range(_ request: Request) throws -> (String, String) {
        if let month = request.query("month") {
            let first = month + "-01"
            guard AttendanceTimestamp.validDay(first) != nil else { throw APIError(.badRequest, "\(month) is not a month (YYYY-MM)") }
            let last = SchoolCalendar.day(String(SchoolCalendar.day(first, plus: 31).prefix(7)) + "-01", plus: -1)
            return (first, last)
        }
        let from = request.query("from") ?? request.query("date") ?? today
        let to = request.query("to") ?? request.query("date") ?? from
        try checkRange(from, to)
        return (from, to)
    }

    /// Two real days in order, at most a school year and a bit apart (a report over
    /// centuries would be millions of days per student).
    private func checkRange(_ from: String, _ to: String) throws {
        for day in [from, to] where AttendanceTimestamp.validDay(day) == nil {
            throw APIError(.badRequest, "\(day) is not a date (YYYY-MM-DD)")
        }
        guard from <= to, SchoolCalendar.days(from: from, to: to).count <= Self.maxDays else {
            throw APIError(.badRequest, "from \(from) to \(to) is not a range of at most \(Self.maxDays) days")
        }
    }

    static let maxDays = 400

    private func report(_ request: Request, _ context: ServerRequestContext) async throws -> AttendanceReports.GroupReport {
        let group = try await group(request, context)
        let (from, to) = try range(request)
        let threshold = try request.query("threshold").map { text in
            guard let value = Double(text), (0...1).contains(value) else { throw APIError(.badRequest, "threshold is a fraction from 0 to 1") }
            return value
        } ?? 0.9
        return try await stores.reports.report(group: group, from: from, to: to, today: today, threshold: threshold)
    }
}
