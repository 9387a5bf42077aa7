import BackendStore

/// Attendance as CSV (RFC 4180), one line per record.
public enum AttendanceCSV {
    static let header = "date,time,student_id,name,enrollment_no,device_id,status,method"

    public static func text(_ records: [AttendanceRecord]) -> String {
        var lines = [header]
        for r in records {
            let time = r.timestamp.count >= 19 ? String(r.timestamp.dropFirst(11).prefix(8)) : r.timestamp
            lines.append([r.date, time, r.studentId, r.name, r.enrollmentNo, r.deviceId, r.status, r.method].map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Quoted when needed; a leading = + - @ is defused so spreadsheets do not run it.
    static func field(_ value: String) -> String {
        var value = value
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
