import BackendStore
import CSVExport
import StreakTrackProtocol

/// Attendance as CSV, one line per record, safe to open in a spreadsheet.
public enum AttendanceCSV {
    static let header = ["date", "time", "student_id", "name", "enrollment_no", "device_id", "status", "method"]

    public static func text(_ records: [AttendanceRecord]) -> String {
        var table = CSVTable(header: header)
        for r in records {
            // A mark by hand without an arrival time has a date alone: no time.
            let time = AttendanceTimestamp.day(of: r.timestamp) != nil ? String(r.timestamp.utf8.suffix(8))! : ""
            table.append([r.date, time, r.studentId, r.name, r.enrollmentNo, r.deviceId, r.status, r.method])
        }
        return table.text
    }
}
