import Foundation
import SQLStorage
import StreakTrackProtocol

/// What the device has marked, and what it still owes the backend.
///
/// A mark and its outgoing event are written in one SQLite transaction, so a
/// crash at any moment leaves either both or neither; `attendance.json`
/// (student id → ISO time, the original device's file) is rewritten atomically
/// from the database after each mark, and again at start-up.
public actor AttendanceLedger {
    public struct Event: Sendable, Equatable {
        public let sequence: Int64
        public let eventId: String
        public let message: DeviceMessage
    }

    public enum Outcome: Sendable, Equatable {
        /// First sighting in the session: an `attendance` event is queued.
        case marked(Event)
        /// Already marked in this session.
        case alreadyMarked(since: String)
    }

    private let database: SQLiteDatabase
    private let attendanceFile: String
    private let deviceId: String
    private var session: String

    public init(directory: String, deviceId: String, session: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        database = try SQLiteDatabase(path: directory + "/agent.db")
        attendanceFile = directory + "/attendance.json"
        self.deviceId = deviceId
        self.session = session
        try await database.query("""
            CREATE TABLE IF NOT EXISTS marks (
                session TEXT NOT NULL, student_id TEXT NOT NULL, marked_at TEXT NOT NULL, PRIMARY KEY (session, student_id))
            """)
        try await database.query("""
            CREATE TABLE IF NOT EXISTS outbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, created_at TEXT NOT NULL)
            """)
        try await writeAttendanceFile()
    }

    /// Starts a new session (a new day, or a new connection under the original's policy).
    public func startSession(_ session: String) async throws {
        guard session != self.session else { return }
        self.session = session
        try await writeAttendanceFile()
    }

    public var currentSession: String { session }

    /// Records a sighting of `student` at `date`: the first in the session queues an
    /// `attendance` event (written before this returns); later ones do not.
    public func record(_ student: RosterStudent, at date: Date) async throws -> Outcome {
        let timestamp = AttendanceTimestamp.string(from: date)
        let iso = date.formatted(.iso8601)
        let session = self.session
        let sighting = Sighting(name: student.name, enrollmentNo: student.enrollmentNo, deviceId: deviceId, studentId: student.id,
                                timestamp: timestamp)
        let eventId = UUID().uuidString.lowercased()
        let message = DeviceMessage.attendance(sighting, eventId: eventId)
        let outcome: Outcome = try await database.transaction { sql in
            let inserted = try await sql.query(
                "INSERT INTO marks (session, student_id, marked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING student_id",
                .text(session), .text(student.id), .text(iso))
            guard !inserted.isEmpty else {
                let since = try await sql.query("SELECT marked_at FROM marks WHERE session = ? AND student_id = ?", .text(session), .text(student.id))
                return .alreadyMarked(since: since.first?.text("marked_at") ?? "")
            }
            let rows = try await sql.query("INSERT INTO outbox (event_id, body, created_at) VALUES (?, ?, ?) RETURNING sequence",
                                           .text(eventId), .text(message.text), .text(iso))
            return .marked(Event(sequence: rows[0].integer("sequence")!, eventId: eventId, message: message))
        }
        if case .marked = outcome { try await writeAttendanceFile() }
        return outcome
    }

    /// Events not yet delivered, oldest first.
    public func pending(limit: Int = 100) async throws -> [Event] {
        try await database.query("SELECT sequence, event_id, body FROM outbox ORDER BY sequence LIMIT ?", .integer(Int64(limit))).compactMap { row in
            guard let body = row.text("body"), let object = try? JSONObject(parsing: body),
                  case .message(let message) = DeviceMessage.read(object) else { return nil }
            return Event(sequence: row.integer("sequence")!, eventId: row.text("event_id")!, message: message)
        }
    }

    /// Forgets an event the backend has (acknowledged, or written to an old backend's open connection).
    public func delivered(_ eventId: String) async throws {
        try await database.query("DELETE FROM outbox WHERE event_id = ?", .text(eventId))
    }

    public func marks() async throws -> [String: String] {
        var marks: [String: String] = [:]
        for row in try await database.query("SELECT student_id, marked_at FROM marks WHERE session = ?", .text(session)) {
            marks[row.text("student_id")!] = row.text("marked_at")!
        }
        return marks
    }

    /// attendance.json for the current session, replaced atomically (temp file,
    /// fsync, rename, fsync of the folder), so a reader never sees half a file.
    private func writeAttendanceFile() async throws {
        let data = try JSONSerialization.data(withJSONObject: try await marks(), options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: attendanceFile)
    }

    public func close() async {
        await database.close()
    }
}

/// Writing a file so that after a crash it holds either the old or the new content.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp"
        // Who was present, by name: for the device's user only (also when the temp file was left by an older version).
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw failure("cannot create \(temporary)") }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0 else { throw failure("cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else { throw failure("cannot replace \(path)") }
        let folder = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    private static func failure(_ message: String) -> AgentError {
        AgentError("\(message): \(String(cString: strerror(errno)))")
    }
}
