import BackendStore
import StreakTrackProtocol

/// Marks made, changed or taken away by a person, always with a reason.
extension Operations {
    public func correctAttendance(of studentId: String, on day: String, to status: AttendanceStore.Status, reason: String,
                                  arrivedAt: String?, by principal: Principal) async throws {
        let student = try await requireStudent(studentId, for: principal)
        try await committed(principal, in: student.organizationId, .attendanceCorrect, target: { _ in studentId },
                            detail: { _ in "\(day) \(status.rawValue)\(arrivedAt.map { " at \($0)" } ?? ""): \(reason)" }) {
            try await stores.attendance.correct(studentId: studentId, organizationId: student.organizationId, day: day, status: status,
                                                actor: principal.actor, reason: reason, arrivedAt: arrivedAt)
        }
    }

    public func undoAttendance(of studentId: String, on day: String, reason: String, by principal: Principal) async throws {
        guard AttendanceTimestamp.validDay(day) != nil else { throw APIError(.badRequest, "\(day) is not a date (YYYY-MM-DD)") }
        let student = try await requireStudent(studentId, for: principal)
        try await committed(principal, in: student.organizationId, .attendanceUndo, target: { _ in studentId },
                            detail: { _ in "\(day): \(reason)" }) {
            try await stores.attendance.undo(studentId: studentId, organizationId: student.organizationId, day: day,
                                             actor: principal.actor, reason: reason)
        }
    }
}
