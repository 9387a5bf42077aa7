import FaceEngine
import Foundation
import SQLStorage
import StreakTrackProtocol

/// `student_faces.db`: the roster's students and the descriptors of their photos,
/// with what produced each (photo link, content hash, model), so an unchanged
/// photo is neither downloaded nor encoded again, and the device recognises
/// after a restart without its server. Photos are kept under their link's
/// `PhotoLink.identity`: a link signed anew is the same photo.
public actor FaceStore {
    /// What encoding one photo gave.
    public enum PhotoResult: Sendable, Equatable {
        case encoded(FaceDescriptor)
        case noFace
        case severalFaces(Int)
        case failed(String)
    }

    public struct PhotoRecord: Sendable, Equatable {
        public let url: String
        public let sha256: String
        public let result: PhotoResult

        public init(url: String, sha256: String, result: PhotoResult) {
            self.url = url
            self.sha256 = sha256
            self.result = result
        }
    }

    /// Identifies the models a descriptor came from; a change re-encodes everything.
    public static let modelIdentity = FaceModelFiles.descriptorIdentity

    private let database: SQLiteDatabase

    public init(directory: String) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        database = try SQLiteDatabase(path: directory + "/student_faces.db")
        try await database.query("""
            CREATE TABLE IF NOT EXISTS students (id TEXT PRIMARY KEY, name TEXT NOT NULL, enrollment_no TEXT NOT NULL)
            """)
        try await database.query("""
            CREATE TABLE IF NOT EXISTS photos (
                student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE, url TEXT NOT NULL, sha256 TEXT NOT NULL,
                model TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT, descriptor BLOB, updated_at TEXT NOT NULL,
                PRIMARY KEY (student_id, url))
            """)
    }

    /// Makes the stored students exactly the roster's (names updated, the
    /// removed deleted with their photos, and photos no longer listed dropped).
    public func replaceRoster(_ roster: Roster) async throws {
        try await database.transaction { sql in
            let listed = Set(roster.students.map(\.id))
            for row in try await sql.query("SELECT id FROM students") where !listed.contains(row.text("id")!) {
                try await sql.query("DELETE FROM students WHERE id = ?", .text(row.text("id")!))
            }
            for student in roster.students {
                try await sql.query("""
                    INSERT INTO students (id, name, enrollment_no) VALUES (?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, enrollment_no = excluded.enrollment_no
                    """, .text(student.id), .text(student.name), .text(student.enrollmentNo))
                let urls = Set(student.images.map(PhotoLink.identity))
                for row in try await sql.query("SELECT url FROM photos WHERE student_id = ?", .text(student.id))
                where !urls.contains(row.text("url")!) {
                    try await sql.query("DELETE FROM photos WHERE student_id = ? AND url = ?", .text(student.id), .text(row.text("url")!))
                }
            }
        }
    }

    /// The stored result for a photo, if it was encoded by the current models.
    public func record(studentId: String, url: String) async throws -> PhotoRecord? {
        guard let row = try await database.query(
            "SELECT url, sha256, outcome, detail, descriptor FROM photos WHERE student_id = ? AND url = ? AND model = ?",
            .text(studentId), .text(url), .text(Self.modelIdentity)).first else { return nil }
        return PhotoRecord(url: url, sha256: row.text("sha256")!, result: try Self.result(row))
    }

    public func save(studentId: String, url: String, sha256: String, result: PhotoResult) async throws {
        try await Self.save(studentId: studentId, PhotoRecord(url: url, sha256: sha256, result: result), into: database)
    }

    /// Many photos' results in one transaction: a thousand descriptors from the
    /// backend are one write to disk, not a thousand.
    public func save(_ records: [(studentId: String, record: PhotoRecord)]) async throws {
        guard !records.isEmpty else { return }
        try await database.transaction { sql in
            for (studentId, record) in records { try await Self.save(studentId: studentId, record, into: sql) }
        }
    }

    private static func save(studentId: String, _ record: PhotoRecord, into sql: any SQLExecutor) async throws {
        let (outcome, detail, blob): (String, String?, SQLValue) = switch record.result {
        case .encoded(let descriptor): ("encoded", nil, .blob(descriptor.bytes))
        case .noFace: ("no_face", nil, .null)
        case .severalFaces(let count): ("several_faces", String(count), .null)
        case .failed(let reason): ("failed", reason, .null)
        }
        try await sql.query("""
            INSERT INTO photos (student_id, url, sha256, model, outcome, detail, descriptor, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (student_id, url) DO UPDATE SET sha256 = excluded.sha256, model = excluded.model, outcome = excluded.outcome,
                detail = excluded.detail, descriptor = excluded.descriptor, updated_at = excluded.updated_at
            """, .text(studentId), .text(record.url), .text(record.sha256), .text(modelIdentity), .text(outcome), SQLValue(detail), blob,
            .text(Date().formatted(.iso8601)))
    }

    /// The students as the roster last gave them.
    public func students() async throws -> [RosterStudent] {
        let photos = try await database.query("SELECT student_id, url FROM photos ORDER BY rowid")
        var urls: [String: [String]] = [:]
        for row in photos { urls[row.text("student_id")!, default: []].append(row.text("url")!) }
        return try await database.query("SELECT id, name, enrollment_no FROM students ORDER BY name, id").map {
            RosterStudent(id: $0.text("id")!, name: $0.text("name")!, enrollmentNo: $0.text("enrollment_no")!,
                          images: urls[$0.text("id")!] ?? [])
        }
    }

    /// Every usable descriptor, labelled with its student, for recognition.
    public func index() async throws -> FaceIndex<String> {
        var index = FaceIndex<String>()
        for row in try await database.query(
            "SELECT student_id, descriptor FROM photos WHERE outcome = 'encoded' AND model = ? ORDER BY student_id, rowid",
            .text(Self.modelIdentity)) {
            guard let bytes = row.blob("descriptor"), let descriptor = try? FaceDescriptor(bytes: bytes) else { continue }
            index.add(descriptor, label: row.text("student_id")!)
        }
        return index
    }

    /// Every photo's descriptor by student and photo (`PhotoLink.identity` of its link).
    public func descriptorsByPhoto() async throws -> [String: [String: FaceDescriptor]] {
        var descriptors: [String: [String: FaceDescriptor]] = [:]
        for row in try await database.query(
            "SELECT student_id, url, descriptor FROM photos WHERE outcome = 'encoded' AND model = ?", .text(Self.modelIdentity)) {
            guard let bytes = row.blob("descriptor"), let descriptor = try? FaceDescriptor(bytes: bytes) else { continue }
            descriptors[row.text("student_id")!, default: [:]][row.text("url")!] = descriptor
        }
        return descriptors
    }

    public func close() async {
        await database.close()
    }

    private static func result(_ row: SQLRow) throws -> PhotoResult {
        switch row.text("outcome") {
        case "encoded":
            guard let bytes = row.blob("descriptor") else { throw AgentError("a stored descriptor is missing") }
            return .encoded(try FaceDescriptor(bytes: bytes))
        case "no_face": return .noFace
        case "several_faces": return .severalFaces(Int(row.text("detail") ?? "") ?? 2)
        default: return .failed(row.text("detail") ?? "unknown")
        }
    }
}
