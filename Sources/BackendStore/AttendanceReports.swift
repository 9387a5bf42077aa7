import Foundation
import StreakTrackProtocol

/// Attendance as a school reads it: a day by class, a student's calendar and
/// streaks, a class's or the school's rate over a term with monthly averages,
/// and who is under a threshold. The store reads the facts in a few queries;
/// `AttendanceMath` turns them into marks and figures.
public struct AttendanceReports: Sendable {
    let database: any SQLDatabase
    let calendars: CalendarStore

    public init(database: any SQLDatabase) {
        self.database = database
        calendars = CalendarStore(database: database)
    }

    /// The students a report is about: a class (with its start time), or the whole organization.
    public struct Group: Sendable {
        public let organizationId: String
        public let classId: String?

        public init(organizationId: String, classId: String? = nil) {
            self.organizationId = organizationId.lowercased()
            self.classId = classId
        }
    }

    public struct StudentDay: Sendable, Equatable, Codable {
        public let studentId: String
        public let name: String
        public let enrollmentNo: String
        public let mark: AttendanceMath.Mark
        public let time: String?
        public let method: String?
        public let deviceId: String?
        public let markedBy: String?
        public let reason: String?
    }

    public struct Day: Sendable, Equatable, Codable {
        public let day: String
        public let schoolDay: Bool
        public let holiday: String?
        public let students: [StudentDay]
        /// Counts, late included in present; "not yet" are today's unmarked.
        public let present: Int
        public let late: Int
        public let absent: Int
        public let notYet: Int

        init(day: String, schoolDay: Bool, holiday: String?, students: [StudentDay]) {
            self.day = day
            self.schoolDay = schoolDay
            self.holiday = holiday
            self.students = students
            present = students.filter { $0.mark == .present || $0.mark == .late }.count
            late = students.filter { $0.mark == .late }.count
            absent = students.filter { $0.mark == .absent }.count
            notYet = students.filter { $0.mark == .upcoming }.count
        }
    }

    /// Who is present, late or absent on `day`, by name.
    public func day(_ day: String, group: Group, today: String) async throws -> Day {
        let calendar = try await calendars.calendar(organizationId: group.organizationId)
        let members = try await students(of: group)
        let records = try await marks(of: group, from: day, to: day)
        let students = members.map { student in
            let record = records[student.id]?[day]
            let mark = AttendanceMath.mark(day: day, record: record, enrolledOn: student.enrolledOn, isSchoolDay: calendar.isSchoolDay(day),
                                           today: today, startsAt: student.startsAt)
            return StudentDay(studentId: student.id, name: student.name, enrollmentNo: student.enrollmentNo, mark: mark,
                              time: record?.time, method: record?.method, deviceId: record?.deviceId, markedBy: record?.markedBy,
                              reason: record?.reason)
        }
        return Day(day: day, schoolDay: calendar.isSchoolDay(day), holiday: calendar.holidays[day], students: students)
    }

    public struct StudentCalendar: Sendable, Equatable, Codable {
        public let studentId: String
        public let from: String
        public let to: String
        public let days: [CalendarDay]
        /// Over the days shown.
        public let summary: AttendanceMath.Summary
        /// Streaks over the student's whole time at the school, up to today.
        public let currentStreak: Int
        public let longestStreak: Int
    }

    public struct CalendarDay: Sendable, Equatable, Codable {
        public let day: String
        public let mark: AttendanceMath.Mark
        public let time: String?
        public let method: String?
        public let holiday: String?
    }

    /// A student's days from `from` to `to`, with their rate over them and their streaks.
    public func calendar(studentId: String, organizationId: String, from: String, to: String, today: String) async throws -> StudentCalendar {
        let group = Group(organizationId: organizationId)
        guard let student = try await students(of: group, only: studentId).first else {
            throw StoreError(.notFound, "no student \(studentId)")
        }
        let calendar = try await calendars.calendar(organizationId: organizationId)
        let start = student.enrolledOn ?? from
        let records = try await marks(of: group, from: min(start, from), to: max(today, to), only: studentId)[studentId] ?? [:]
        // Which days have school, worked out once (a calendar's date arithmetic is slow next to the rest).
        let schoolDays = Set(calendar.schoolDays(from: min(start, from), to: max(today, to)))
        func mark(_ day: String) -> AttendanceMath.Mark {
            AttendanceMath.mark(day: day, record: records[day], enrolledOn: student.enrolledOn, isSchoolDay: schoolDays.contains(day),
                                today: today, startsAt: student.startsAt)
        }
        let shown = SchoolCalendar.days(from: from, to: to)
        let whole = AttendanceMath.summary(SchoolCalendar.days(from: start, to: today).map(mark))
        return StudentCalendar(
            studentId: studentId, from: from, to: to,
            days: shown.map { CalendarDay(day: $0, mark: mark($0), time: records[$0]?.time, method: records[$0]?.method,
                                          holiday: calendar.holidays[$0]) },
            summary: AttendanceMath.summary(shown.map(mark)), currentStreak: whole.currentStreak, longestStreak: whole.longestStreak)
    }

    public struct GroupReport: Sendable, Equatable, Codable {
        public let from: String
        public let to: String
        public let daily: [AttendanceMath.DailyRate]
        public let monthly: [AttendanceMath.MonthlyAverage]
        public let students: [StudentFigures]
        /// Students whose rate over the range is below `threshold`.
        public let threshold: Double
        public let underThreshold: [String]
    }

    public struct StudentFigures: Sendable, Equatable, Codable {
        public let studentId: String
        public let name: String
        public let enrollmentNo: String
        public let summary: AttendanceMath.Summary
    }

    /// A class's (or the school's) attendance from `from` to `to`: each school day's
    /// rate, monthly averages, each student's figures, and who is under `threshold`.
    public func report(group: Group, from: String, to: String, today: String, threshold: Double) async throws -> GroupReport {
        let calendar = try await calendars.calendar(organizationId: group.organizationId)
        let members = try await students(of: group)
        let records = try await marks(of: group, from: from, to: to)
        let days = SchoolCalendar.days(from: from, to: to)
        let isSchoolDay = days.map(calendar.isSchoolDay)
        var marks: [String: [AttendanceMath.Mark]] = [:]
        var figures: [StudentFigures] = []
        for student in members {
            let studentRecords = records[student.id] ?? [:]
            let studentMarks = days.indices.map { index in
                AttendanceMath.mark(day: days[index], record: studentRecords[days[index]], enrolledOn: student.enrolledOn,
                                    isSchoolDay: isSchoolDay[index], today: today, startsAt: student.startsAt)
            }
            marks[student.id] = studentMarks
            figures.append(StudentFigures(studentId: student.id, name: student.name, enrollmentNo: student.enrollmentNo,
                                          summary: AttendanceMath.summary(studentMarks)))
        }
        let daily = AttendanceMath.dailyRates(days: days, marks: marks)
        let under = figures.filter { ($0.summary.rate ?? 1) < threshold }.map(\.studentId)
        return GroupReport(from: from, to: to, daily: daily, monthly: AttendanceMath.monthlyAverages(daily), students: figures,
                           threshold: threshold, underThreshold: under)
    }

    // MARK: The facts

    struct Member {
        let id: String
        let name: String
        let enrollmentNo: String
        let enrolledOn: String?
        /// The class's start time; for the whole school, the earliest of the student's classes.
        let startsAt: String?
    }

    private func students(of group: Group, only studentId: String? = nil) async throws -> [Member] {
        var arguments: [SQLValue] = []
        var sql: String
        if let classId = group.classId {
            sql = """
                SELECT s.id, s.name, s.enrollment_no, s.enrolled_on, c.starts_at FROM students s
                JOIN class_students cs ON cs.student_id = s.id JOIN classes c ON c.id = cs.class_id
                WHERE c.id = ? AND s.organization_id = ?
                """
            arguments = [.text(classId), .text(group.organizationId)]
        } else {
            sql = """
                SELECT s.id, s.name, s.enrollment_no, s.enrolled_on,
                       (SELECT MIN(c.starts_at) FROM class_students cs JOIN classes c ON c.id = cs.class_id WHERE cs.student_id = s.id) AS starts_at
                FROM students s WHERE s.organization_id = ?
                """
            arguments = [.text(group.organizationId)]
        }
        if let studentId {
            sql += " AND s.id = ?"
            arguments.append(.text(studentId))
        }
        return try await database.query(sql + " ORDER BY s.name, s.enrollment_no", arguments).map {
            Member(id: $0.text("id")!, name: $0.text("name")!, enrollmentNo: $0.text("enrollment_no")!, enrolledOn: $0.text("enrolled_on"),
                   startsAt: $0.text("starts_at"))
        }
    }

    /// Student id to day to that day's mark, for a group's students in a range of days.
    private func marks(of group: Group, from: String, to: String, only studentId: String? = nil)
        async throws -> [String: [String: AttendanceMath.DayRecord]] {
        var sql = """
            SELECT a.student_id, a.day, a.timestamp, a.status, a.method, a.device_id, a.marked_by, a.reason FROM attendance a
            WHERE a.organization_id = ? AND a.day >= ? AND a.day <= ?
            """
        var arguments: [SQLValue] = [.text(group.organizationId), .text(from), .text(to)]
        if let classId = group.classId {
            sql += " AND a.student_id IN (SELECT student_id FROM class_students WHERE class_id = ?)"
            arguments.append(.text(classId))
        }
        if let studentId {
            sql += " AND a.student_id = ?"
            arguments.append(.text(studentId))
        }
        var result: [String: [String: AttendanceMath.DayRecord]] = [:]
        for row in try await database.query(sql, arguments) {
            let timestamp = row.text("timestamp")!
            result[row.text("student_id")!, default: [:]][row.text("day")!] = AttendanceMath.DayRecord(
                status: row.text("status")!, time: AttendanceTimestamp.day(of: timestamp) != nil ? String(timestamp.suffix(8)) : nil,
                method: row.text("method")!,
                deviceId: row.text("device_id")!, markedBy: row.text("marked_by"), reason: row.text("reason"))
        }
        return result
    }
}
