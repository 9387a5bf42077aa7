import Foundation
import StreakTrackProtocol

/// Attendance: one record per student per calendar day, and the event ids
/// already seen, so that a resent event is acknowledged again but stored once.
public struct AttendanceStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public enum Outcome: String, Sendable, Equatable {
        /// A new record.
        case stored
        /// The student already has a record for that day (another device, or a resend without an event id).
        case alreadyMarked
        /// Not stored: the student is not on this organization's roster.
        case unknownStudent
        /// Not stored: the student is in none of the classes this device serves.
        case notServedHere
        /// Not stored: the timestamp is not `YYYY-MM-DD HH:MM:SS`.
        case invalidTimestamp
    }

    public struct Result: Sendable, Equatable {
        public let outcome: Outcome
        /// True when this event id was seen before: nothing was written now.
        public let repeatedEvent: Bool

        public init(outcome: Outcome, repeatedEvent: Bool) {
            self.outcome = outcome
            self.repeatedEvent = repeatedEvent
        }
    }

    /// Records `sighting` from `deviceId` of `organizationId`, in one transaction.
    public func record(_ sighting: Sighting, organizationId: String, deviceId: String, eventId: String?) async throws -> Result {
        let organizationId = organizationId.lowercased()
        return try await database.transaction { sql in
            if let eventId {
                let seen = try await sql.query(
                    "SELECT outcome FROM attendance_events WHERE organization_id = ? AND device_id = ? AND event_id = ?",
                    .text(organizationId), .text(deviceId), .text(eventId))
                if let previous = seen.first?.text("outcome").flatMap(Outcome.init(rawValue:)) {
                    return Result(outcome: previous, repeatedEvent: true)
                }
            }
            let outcome = try await Self.insert(sighting, organizationId: organizationId, deviceId: deviceId, sql: sql)
            // A rejected event leaves nothing behind: rows are only for marks that count.
            if let eventId, outcome == .stored || outcome == .alreadyMarked {
                try await sql.query(
                    """
                    INSERT INTO attendance_events (organization_id, device_id, event_id, student_id, day, outcome, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (organization_id, device_id, event_id) DO NOTHING
                    """,
                    .text(organizationId), .text(deviceId), .text(eventId), .text(sighting.studentId),
                    .text(AttendanceTimestamp.day(of: sighting.timestamp) ?? ""), .text(outcome.rawValue), .text(Clock.now()))
            }
            return Result(outcome: outcome, repeatedEvent: false)
        }
    }

    private static func insert(_ sighting: Sighting, organizationId: String, deviceId: String, sql: any SQLExecutor) async throws -> Outcome {
        guard let day = AttendanceTimestamp.day(of: sighting.timestamp) else { return .invalidTimestamp }
        let student = try await sql.query(
            """
            SELECT id, (NOT EXISTS (SELECT 1 FROM device_classes WHERE organization_id = ? AND device_id = ?)
                        OR EXISTS (SELECT 1 FROM class_students cs JOIN device_classes dc ON dc.class_id = cs.class_id
                                   WHERE dc.organization_id = ? AND dc.device_id = ? AND cs.student_id = students.id)) AS served
            FROM students WHERE id = ? AND organization_id = ?
            """, .text(organizationId), .text(deviceId), .text(organizationId), .text(deviceId), .text(sighting.studentId), .text(organizationId))
        guard let found = student.first else { return .unknownStudent }
        guard found.bool("served") else { return .notServedHere }
        let inserted = try await sql.query(
            """
            INSERT INTO attendance (student_id, day, organization_id, device_id, timestamp, status, method, received_at)
            VALUES (?, ?, ?, ?, ?, 'present', 'automatic', ?)
            ON CONFLICT (student_id, day) DO NOTHING RETURNING student_id
            """,
            .text(sighting.studentId), .text(day), .text(organizationId), .text(deviceId), .text(sighting.timestamp), .text(Clock.now()))
        return inserted.isEmpty ? .alreadyMarked : .stored
    }

    // MARK: Corrections

    public enum Status: String, Sendable, Codable, CaseIterable {
        case present, absent
    }

    /// A mark made or changed by a person (`method` manual), with why; the
    /// change is kept in the day's history, whatever was there before.
    public func correct(studentId: String, organizationId: String, day: String, status: Status, actor: String,
                        reason: String, arrivedAt: String? = nil) async throws {
        guard AttendanceTimestamp.validDay(day) != nil else { throw StoreError(.invalid, "\(day) is not a date (YYYY-MM-DD)") }
        let reason = try Self.checkedReason(reason)
        let arrival = try arrivedAt.map(Self.checkedTime)
        if arrival != nil && status != .present { throw StoreError(.invalid, "only a student marked present has an arrival time") }
        let organizationId = organizationId.lowercased()
        try await database.transaction { sql in
            guard try await !sql.query("SELECT id FROM students WHERE id = ? AND organization_id = ?", .text(studentId),
                                       .text(organizationId)).isEmpty else { throw StoreError(.notFound, "no student \(studentId)") }
            // The timestamp is when the student came: the time given, or a device's mark's
            // own, kept; with neither, the date alone (when is not known, and the time
            // of writing would pass for it).
            let timestamp = arrival.map { day + " " + $0 } ?? day
            try await sql.query(
                """
                INSERT INTO attendance (student_id, day, organization_id, device_id, timestamp, status, method, received_at, marked_by, reason)
                VALUES (?, ?, ?, '', ?, ?, 'manual', ?, ?, ?)
                ON CONFLICT (student_id, day) DO UPDATE SET status = excluded.status, method = 'manual',
                    marked_by = excluded.marked_by, reason = excluded.reason, received_at = excluded.received_at
                """ + (arrival != nil ? ", timestamp = excluded.timestamp" : ""),
                .text(studentId), .text(day), .text(organizationId), .text(timestamp), .text(status.rawValue), .text(Clock.now()),
                .text(actor), .text(reason))
            try await Self.remember(studentId: studentId, organizationId: organizationId, day: day, actor: actor,
                                    change: "marked \(status.rawValue)" + (arrival.map { ", arrived at \($0.prefix(5))" } ?? ""),
                                    status: status.rawValue, method: "manual", deviceId: nil, reason: reason, in: sql)
        }
    }

    /// `HH:MM` or `HH:MM:SS` as `HH:MM:SS`.
    static func checkedTime(_ text: String) throws -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), hour < 24, minute < 60, parts.count == 2 || Int(parts[2])! < 60 else {
            throw StoreError(.invalid, "\(text) is not a time of day (HH:MM)")
        }
        return parts.count == 2 ? text + ":00" : text
    }

    /// Takes a day's mark away (a device's wrong mark, say); the student is then
    /// absent that day unless marked again. What was taken away stays in the history.
    public func undo(studentId: String, organizationId: String, day: String, actor: String, reason: String) async throws {
        let reason = try Self.checkedReason(reason)
        let organizationId = organizationId.lowercased()
        try await database.transaction { sql in
            let removed = try await sql.query(
                "DELETE FROM attendance WHERE student_id = ? AND day = ? AND organization_id = ? RETURNING status, method, device_id",
                .text(studentId), .text(day), .text(organizationId))
            guard let old = removed.first else { throw StoreError(.notFound, "\(studentId) has no mark on \(day)") }
            try await Self.remember(studentId: studentId, organizationId: organizationId, day: day, actor: actor,
                                    change: "undid the \(old.text("method")!) mark", status: old.text("status"),
                                    method: old.text("method"), deviceId: old.text("device_id"), reason: reason, in: sql)
        }
    }

    public struct Change: Sendable, Equatable, Codable {
        public let day: String
        public let at: String
        public let actor: String
        public let change: String
        public let status: String?
        public let method: String?
        public let deviceId: String?
        public let reason: String?
    }

    /// Every change made by hand to a student's attendance between two days, earliest first.
    public func history(studentId: String, from firstDay: String, to lastDay: String) async throws -> [Change] {
        try await database.query(
            "SELECT * FROM attendance_history WHERE student_id = ? AND day >= ? AND day <= ? ORDER BY id",
            .text(studentId), .text(firstDay), .text(lastDay)
        ).map {
            Change(day: $0.text("day")!, at: $0.text("at")!, actor: $0.text("actor")!, change: $0.text("change")!,
                   status: $0.text("status"), method: $0.text("method"), deviceId: $0.text("device_id"), reason: $0.text("reason"))
        }
    }

    private static func remember(studentId: String, organizationId: String, day: String, actor: String, change: String,
                                 status: String?, method: String?, deviceId: String?, reason: String,
                                 in sql: any SQLExecutor) async throws {
        try await sql.query(
            """
            INSERT INTO attendance_history (organization_id, student_id, day, at, actor, change, status, method, device_id, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, .text(organizationId), .text(studentId), .text(day), .text(Clock.now()), .text(actor), .text(change),
            SQLValue(status), SQLValue(method), SQLValue(deviceId), .text(reason))
    }

    /// A correction says why: one line of text, not too long.
    private static func checkedReason(_ reason: String) throws -> String {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw StoreError(.invalid, "a correction needs a reason") }
        guard reason.count <= 500, !reason.unicodeScalars.contains(where: FieldRule.isForbidden) else {
            throw StoreError(.invalid, "a reason is one line of at most 500 characters")
        }
        return reason
    }

    /// The day's records of an organization, earliest first.
    public func records(organizationId: String, from firstDay: String, to lastDay: String) async throws -> [AttendanceRecord] {
        try await database.query(
            """
            SELECT a.*, COALESCE(s.name, '') AS name, COALESCE(s.enrollment_no, '') AS enrollment_no
            FROM attendance a LEFT JOIN students s ON s.id = a.student_id
            WHERE a.organization_id = ? AND a.day >= ? AND a.day <= ? ORDER BY a.day, a.timestamp, a.student_id
            """, .text(organizationId.lowercased()), .text(firstDay), .text(lastDay)
        ).map { row in
            AttendanceRecord(studentId: row.text("student_id")!, name: row.text("name")!, enrollmentNo: row.text("enrollment_no")!,
                             organizationId: row.text("organization_id")!, deviceId: row.text("device_id")!,
                             timestamp: row.text("timestamp")!, date: row.text("day")!, status: row.text("status")!,
                             method: row.text("method")!, receivedAt: row.text("received_at")!, markedBy: row.text("marked_by"),
                             reason: row.text("reason"))
        }
    }

    public func records(organizationId: String, day: String) async throws -> [AttendanceRecord] {
        try await records(organizationId: organizationId, from: day, to: day)
    }
}
