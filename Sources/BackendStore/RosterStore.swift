import SQLStorage
import Crypto
import StreakTrackProtocol

/// Organizations, students and their photos; every change bumps the
/// organization's roster version, which tells the server to push the roster.
public struct RosterStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    // MARK: Organizations

    @discardableResult
    public func addOrganization(name: String, id: String = ObjectID.make()) async throws -> Organization {
        guard ObjectID.isValid(id) else { throw StoreError(.invalid, "organization id must be 24 hexadecimal digits: \(id)") }
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "the organization's " + problem) }
        let rows = try await database.query(
            "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING id",
            .text(id.lowercased()), .text(name), .text(Clock.now()))
        guard !rows.isEmpty else { throw StoreError(.conflict, "organization \(id) already exists") }
        return Organization(id: id.lowercased(), name: name)
    }

    /// A first organization when there is none (a fresh store); nil when there is one. Servers
    /// starting together on one empty PostgreSQL database make one between them.
    public func addFirstOrganization(name: String) async throws -> Organization? {
        let id = ObjectID.make()
        return try await database.transaction { sql in
            if database.dialect == .postgres { try await PostgresDatabase.lockSchema(sql) }
            guard try await sql.query("SELECT id FROM organizations LIMIT 1").isEmpty else { return nil }
            try await sql.query("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)", .text(id), .text(name), .text(Clock.now()))
            return Organization(id: id, name: name)
        }
    }

    public func organizations() async throws -> [Organization] {
        try await database.query("SELECT id, name FROM organizations ORDER BY created_at, id").map {
            Organization(id: $0.text("id")!, name: $0.text("name")!)
        }
    }

    public func organization(_ id: String) async throws -> Organization? {
        try await database.query("SELECT id, name FROM organizations WHERE id = ?", .text(id.lowercased())).first.map {
            Organization(id: $0.text("id")!, name: $0.text("name")!)
        }
    }

    /// Each organization's roster version, for noticing changes made elsewhere.
    public func rosterVersions() async throws -> [String: Int64] {
        var versions: [String: Int64] = [:]
        for row in try await database.query("SELECT id, roster_version FROM organizations") {
            versions[row.text("id")!] = row.integer("roster_version") ?? 0
        }
        return versions
    }

    // MARK: Students

    public func addStudent(organizationId: String, name: String, enrollmentNo: String, photos: [PhotoUpload] = []) async throws -> Student {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let enrollmentNo = enrollmentNo.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError(.invalid, "a student needs a name") }
        guard !enrollmentNo.isEmpty else { throw StoreError(.invalid, "a student needs an enrollment number") }
        for (rule, value) in [(FieldRule.name, name), (.enrollmentNo, enrollmentNo)] {
            if let problem = rule.problem(value) { throw StoreError(.invalid, "the student's " + problem) }
        }
        guard try await organization(organizationId) != nil else {
            throw StoreError(.notFound, "no organization \(organizationId)")
        }
        let id = ObjectID.make()
        try await database.transaction { sql in
            let inserted = try await sql.query(
                """
                INSERT INTO students (id, organization_id, name, enrollment_no, created_at, enrolled_on) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (organization_id, enrollment_no) DO NOTHING RETURNING id
                """,
                .text(id), .text(organizationId.lowercased()), .text(name), .text(enrollmentNo), .text(Clock.now()),
                .text(String(Clock.now().prefix(10))))
            guard !inserted.isEmpty else {
                throw StoreError(.conflict, "enrollment number \(enrollmentNo) is already taken in this organization")
            }
            for photo in photos { try await Self.insert(photo, studentId: id, into: sql) }
            try await Self.bumpRoster(organizationId.lowercased(), in: sql)
        }
        return try await student(id)!
    }

    public func student(_ id: String) async throws -> Student? {
        try await students(where: "s.id = ?", [.text(id)]).first
    }

    public func student(enrollmentNo: String, organizationId: String) async throws -> Student? {
        try await students(where: "s.organization_id = ? AND s.enrollment_no = ?",
                           [.text(organizationId.lowercased()), .text(enrollmentNo.trimmingCharacters(in: .whitespaces))]).first
    }

    /// The SHA-256 of each photo a student has (a photo offered again is not a new one).
    public func photoDigests(studentId: String) async throws -> [String] {
        try await database.query("SELECT sha256 FROM photos WHERE student_id = ?", .text(studentId)).map { $0.text("sha256")! }
    }

    /// Whether `id` is a student of `organizationId` (a sighting about anyone else is forged).
    public func isStudent(_ id: String, of organizationId: String) async throws -> Bool {
        try await !database.query("SELECT id FROM students WHERE id = ? AND organization_id = ?",
                                  .text(id), .text(organizationId.lowercased())).isEmpty
    }

    /// Every student of an organization, by name.
    public func students(organizationId: String) async throws -> [Student] {
        try await students(where: "s.organization_id = ?", [.text(organizationId.lowercased())])
    }

    /// One page of an organization's students, by name: those whose name or enrolment
    /// number contains `search` (any case), in one of `classIds` when given; and how many match in all.
    public func students(organizationId: String, search: String?, classIds: [String]?, offset: Int, limit: Int) async throws
        -> (total: Int, students: [Student]) {
        var condition = "s.organization_id = ?"
        var arguments: [SQLValue] = [.text(organizationId.lowercased())]
        if let search, !search.isEmpty {
            // The search is text, not a pattern: its own % and _ match only themselves.
            let pattern = "%" + search.lowercased().replacingOccurrences(of: "!", with: "!!")
                .replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_") + "%"
            condition += " AND (LOWER(s.name) LIKE ? ESCAPE '!' OR LOWER(s.enrollment_no) LIKE ? ESCAPE '!')"
            arguments += [.text(pattern), .text(pattern)]
        }
        if let classIds {
            let placeholders = classIds.isEmpty ? "NULL" : Array(repeating: "?", count: classIds.count).joined(separator: ",")
            condition += " AND s.id IN (SELECT student_id FROM class_students WHERE class_id IN (\(placeholders)))"
            arguments += classIds.map(SQLValue.text)
        }
        let total = try await database.query("SELECT COUNT(*) AS n FROM students s WHERE \(condition)", arguments).first?.integer("n") ?? 0
        return (Int(total), try await students(where: condition, arguments, limit: limit, offset: offset))
    }

    private func students(where condition: String, _ arguments: [SQLValue], limit: Int? = nil, offset: Int = 0) async throws -> [Student] {
        let paging = limit.map { " LIMIT \($0) OFFSET \(offset)" } ?? ""
        let rows = try await database.query(
            """
            SELECT s.id, s.organization_id, s.name, s.enrollment_no, s.enrolled_on FROM students s WHERE \(condition)
            ORDER BY s.name, s.enrollment_no\(paging)
            """, arguments)
        guard !rows.isEmpty else { return [] }
        let ids = rows.map { $0.text("id")! }
        var photosByStudent: [String: [String]] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for photo in try await database.query(
                "SELECT id, student_id FROM photos WHERE student_id IN (\(placeholders)) ORDER BY position", chunk.map(SQLValue.text)) {
                photosByStudent[photo.text("student_id")!, default: []].append(photo.text("id")!)
            }
        }
        return rows.map { row in
            Student(id: row.text("id")!, organizationId: row.text("organization_id")!, name: row.text("name")!,
                    enrollmentNo: row.text("enrollment_no")!, photoIds: photosByStudent[row.text("id")!] ?? [],
                    enrolledOn: row.text("enrolled_on"))
        }
    }

    public func removeStudent(_ id: String) async throws {
        try await database.transaction { sql in
            let removed = try await sql.query("DELETE FROM students WHERE id = ? RETURNING organization_id", .text(id))
            guard let organizationId = removed.first?.text("organization_id") else {
                throw StoreError(.notFound, "no student \(id)")
            }
            try await Self.bumpRoster(organizationId, in: sql)
        }
    }

    // MARK: Photos

    @discardableResult
    public func addPhoto(_ photo: PhotoUpload, studentId: String) async throws -> String {
        try await database.transaction { sql in
            let owner = try await sql.query("SELECT organization_id FROM students WHERE id = ?", .text(studentId))
            guard let organizationId = owner.first?.text("organization_id") else {
                throw StoreError(.notFound, "no student \(studentId)")
            }
            let id = try await Self.insert(photo, studentId: studentId, into: sql)
            try await Self.bumpRoster(organizationId, in: sql)
            return id
        }
    }

    public func removePhoto(_ id: String) async throws {
        try await database.transaction { sql in
            let removed = try await sql.query(
                """
                DELETE FROM photos WHERE id = ? RETURNING (SELECT organization_id FROM students WHERE students.id = photos.student_id) AS organization_id
                """, .text(id))
            guard let organizationId = removed.first?.text("organization_id") else { throw StoreError(.notFound, "no photo \(id)") }
            try await Self.bumpRoster(organizationId, in: sql)
        }
    }

    public func photo(_ id: String) async throws -> Photo? {
        try await database.query("SELECT id, student_id, content_type, sha256, data FROM photos WHERE id = ?", .text(id)).first.map {
            Photo(id: $0.text("id")!, studentId: $0.text("student_id")!, contentType: $0.text("content_type")!,
                  sha256: $0.text("sha256")!, bytes: $0.blob("data") ?? [])
        }
    }

    /// The small JPEG of a photo's face, when enrolment made one.
    public func faceThumbnail(_ photoId: String) async throws -> [UInt8]? {
        try await database.query("SELECT face_jpeg FROM photos WHERE id = ?", .text(photoId)).first?.blob("face_jpeg")
    }

    /// The roster message for an organization, photo URLs made by `photoURL`, each
    /// photo with the descriptor enrolment found in it (our extension); with `only`,
    /// just those students (a device's classes).
    public func roster(organizationId: String, only: Set<String>? = nil, photoURL: (String) -> String) async throws -> Roster {
        let descriptors = try await rosterDescriptors(organizationId: organizationId)
        return Roster(students: try await students(organizationId: organizationId).filter { only?.contains($0.id) ?? true }.map {
            RosterStudent(id: $0.id, name: $0.name, enrollmentNo: $0.enrollmentNo, images: $0.photoIds.map(photoURL),
                          descriptors: $0.photoIds.map { descriptors[$0] })
        })
    }

    /// Each photo's descriptor with the models that made it and the photo's digest, by photo id.
    private func rosterDescriptors(organizationId: String) async throws -> [String: RosterStudent.Descriptor] {
        var descriptors: [String: RosterStudent.Descriptor] = [:]
        for row in try await database.query(
            """
            SELECT p.id, p.sha256, p.descriptor, p.model FROM photos p JOIN students s ON s.id = p.student_id
            WHERE s.organization_id = ? AND p.descriptor IS NOT NULL AND p.model IS NOT NULL
            """, .text(organizationId.lowercased())) {
            guard let bytes = row.blob("descriptor"), bytes.count == RosterStudent.Descriptor.byteCount, let model = row.text("model")
            else { continue }
            descriptors[row.text("id")!] = RosterStudent.Descriptor(model: model, bytes: bytes, sha256: row.text("sha256"))
        }
        return descriptors
    }

    /// Every face enrolment found in an organization's photos, student by student.
    public func faces(organizationId: String) async throws -> [EnrolledFace] {
        try await database.query(
            """
            SELECT p.id, p.student_id, p.descriptor, p.face, p.model FROM photos p JOIN students s ON s.id = p.student_id
            WHERE s.organization_id = ? AND p.descriptor IS NOT NULL ORDER BY p.student_id, p.position
            """, .text(organizationId.lowercased())
        ).compactMap { row in
            guard let descriptor = row.blob("descriptor"), let model = row.text("model") else { return nil }
            return EnrolledFace(photoId: row.text("id")!, studentId: row.text("student_id")!,
                                face: PhotoFace(boxText: row.text("face"), descriptor: descriptor, model: model))
        }
    }

    @discardableResult
    private static func insert(_ photo: PhotoUpload, studentId: String, into sql: any SQLExecutor) async throws -> String {
        let id = ObjectID.make()
        let digest = photo.sha256
        try await sql.query(
            """
            INSERT INTO photos (id, student_id, position, content_type, sha256, width, height, data, created_at, face, descriptor, model,
                                face_jpeg)
            VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM photos WHERE student_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            .text(id), .text(studentId), .text(studentId), .text(photo.format.contentType), .text(digest),
            .integer(Int64(photo.width)), .integer(Int64(photo.height)), .blob(photo.bytes), .text(Clock.now()),
            SQLValue(photo.face?.boxText), photo.face.map { .blob($0.descriptor) } ?? .null, SQLValue(photo.face?.model),
            photo.face?.thumbnail.map { .blob($0) } ?? .null)
        return id
    }

    static func bumpRoster(_ organizationId: String, in sql: any SQLExecutor) async throws {
        try await sql.query("UPDATE organizations SET roster_version = roster_version + 1 WHERE id = ?", .text(organizationId))
    }
}

import Foundation
