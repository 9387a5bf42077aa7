import BackendStore
import CSV
import Foundation
import StreakTrackServer
import TestSupport
import Testing

/// The CSV export read back by two real CSV readers (Python's csv module and
/// CSV.swift): every record one row, every field as stored, and none a
/// spreadsheet would run.
@Suite("Attendance CSV")
struct AttendanceCSVTests {
    static let hostile = ["=2+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "a\r=2+2", "a\n=2", "a\r\n=2", "\r\n",
                          "quote \" inside", "comma, inside", "é\"\u{301}", "plain"]

    @Test func hostileFieldsStayInTheirCellsAndNeverStartAFormula() async throws {
        let records = Self.hostile.enumerated().map { index, text in
            AttendanceRecord(studentId: "s\(index)", name: text, enrollmentNo: text, organizationId: "o", deviceId: text,
                             timestamp: "2026-11-24 09:01:07", date: "2026-11-24", status: "present", method: "automatic",
                             receivedAt: "2026-11-24T09:01:08Z")
        }
        let file = try Fixtures.scratchDirectory() + "/attendance.csv"
        try AttendanceCSV.text(records).write(toFile: file, atomically: false, encoding: .utf8)
        let pythonReader = """
            import csv, json, sys
            with open(sys.argv[1], newline="", encoding="utf-8") as f:
                print(json.dumps(list(csv.reader(f))))
            """
        let read = try await runProcess(which("python3") ?? "/usr/bin/python3", ["-c", pythonReader, file])
        let python = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [[String]], "\(read.stderr)")
        let reader = try CSVReader(string: AttendanceCSV.text(records))
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        #expect(rows == python, "both readers see the same table")
        #expect(rows.count == Self.hostile.count + 1, "one row per record, none split")
        for (row, text) in zip(rows.dropFirst(), Self.hostile) {
            #expect(row.count == 8)
            for field in [row[3], row[4], row[5]] {
                let defused = "=+-@\t\r\n".unicodeScalars.contains(text.unicodeScalars.first!) ? "'" + text : text
                #expect(field == defused, "\(field.debugDescription) for \(text.debugDescription)")
                #expect(!"=+-@\t\r\n".unicodeScalars.contains(field.unicodeScalars.first!), "\(field.debugDescription)")
            }
        }
    }
}
