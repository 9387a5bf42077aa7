import SQLStorage
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
                    "SELECT outcome FROM attendance_events WHERE device_id = ? AND event_id = ?", .text(deviceId), .text(eventId))
                if let previous = seen.first?.text("outcome").flatMap(Outcome.init(rawValue:)) {
                    return Result(outcome: previous, repeatedEvent: true)
                }
            }
            let outcome = try await Self.insert(sighting, organizationId: organizationId, deviceId: deviceId, sql: sql)
            // A rejected event leaves nothing behind: rows are only for marks that count.
            if let eventId, outcome == .stored || outcome == .alreadyMarked {
                try await sql.query(
                    """
                    INSERT INTO attendance_events (device_id, event_id, student_id, day, outcome, received_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (device_id, event_id) DO NOTHING
                    """,
                    .text(deviceId), .text(eventId), .text(sighting.studentId),
                    .text(AttendanceTimestamp.day(of: sighting.timestamp) ?? ""), .text(outcome.rawValue), .text(Clock.now()))
            }
            return Result(outcome: outcome, repeatedEvent: false)
        }
    }

    private static func insert(_ sighting: Sighting, organizationId: String, deviceId: String, sql: any SQLExecutor) async throws -> Outcome {
        guard let day = AttendanceTimestamp.day(of: sighting.timestamp) else { return .invalidTimestamp }
        let student = try await sql.query(
            "SELECT id FROM students WHERE id = ? AND organization_id = ?", .text(sighting.studentId), .text(organizationId))
        guard !student.isEmpty else { return .unknownStudent }
        let inserted = try await sql.query(
            """
            INSERT INTO attendance (student_id, day, organization_id, device_id, timestamp, status, method, received_at)
            VALUES (?, ?, ?, ?, ?, 'present', 'automatic', ?)
            ON CONFLICT (student_id, day) DO NOTHING RETURNING student_id
            """,
            .text(sighting.studentId), .text(day), .text(organizationId), .text(deviceId), .text(sighting.timestamp), .text(Clock.now()))
        return inserted.isEmpty ? .alreadyMarked : .stored
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
                             method: row.text("method")!, receivedAt: row.text("received_at")!)
        }
    }

    public func records(organizationId: String, day: String) async throws -> [AttendanceRecord] {
        try await records(organizationId: organizationId, from: day, to: day)
    }
}
