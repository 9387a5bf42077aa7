import Foundation
import BackendStore
import CSVExport

/// A class's (or the school's) report as CSV: one line per student with their
/// figures over the report's days, those under the threshold marked.
public enum ReportCSV {
    public static func text(_ report: AttendanceReports.GroupReport) -> String {
        var table = CSVTable(header: ["name", "enrollment_no", "school_days", "attended", "late", "rate", "current_streak",
                                      "longest_streak", "under_threshold"])
        let under = Set(report.underThreshold)
        for student in report.students {
            let s = student.summary
            table.append([student.name, student.enrollmentNo, String(s.schoolDays), String(s.attended), String(s.late),
                          s.rate.map { String(format: "%.3f", $0) } ?? "", String(s.currentStreak), String(s.longestStreak),
                          under.contains(student.studentId) ? "yes" : ""])
        }
        return table.text
    }
}
