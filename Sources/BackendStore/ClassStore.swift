import StreakTrackProtocol

/// A class (a group of students): who is in it, who teaches it, which doors
/// serve it, and when its day starts (a later mark is late).
public struct SchoolClass: Sendable, Equatable, Codable {
    public let id: String
    public let organizationId: String
    public let name: String
    /// `HH:MM`, or nil when the class has no start time.
    public let startsAt: String?
    public let studentIds: [String]
    public let teacherIds: [String]
    public let deviceIds: [String]
}

/// Classes and their memberships. A change that alters what a device must
/// recognise bumps the organization's roster version, so devices hear of it.
public struct ClassStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func add(organizationId: String, name: String, startsAt: String? = nil) async throws -> SchoolClass {
        let name = name.trimmingCharacters(in: .whitespaces)
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "the class's " + problem) }
        try Self.checkTime(startsAt)
        let id = ObjectID.make()
        let rows = try await database.query(
            """
            INSERT INTO classes (id, organization_id, name, starts_at, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (organization_id, name) DO NOTHING RETURNING id
            """, .text(id), .text(organizationId.lowercased()), .text(name), SQLValue(startsAt), .text(Clock.now()))
        guard !rows.isEmpty else { throw StoreError(.conflict, "there is already a class \(name)") }
        return try await schoolClass(id)!
    }

    public func update(_ id: String, name: String?, startsAt: String??) async throws {
        if let name, let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "the class's " + problem) }
        if let startsAt { try Self.checkTime(startsAt) }
        guard try await schoolClass(id) != nil else { throw StoreError(.notFound, "no class \(id)") }
        if let name {
            let existing = try await schoolClass(id)!
            if try await classes(organizationId: existing.organizationId).contains(where: { $0.name == name && $0.id != id }) {
                throw StoreError(.conflict, "there is already a class \(name)")
            }
            try await database.query("UPDATE classes SET name = ? WHERE id = ?", .text(name), .text(id))
        }
        if let startsAt { try await database.query("UPDATE classes SET starts_at = ? WHERE id = ?", SQLValue(startsAt), .text(id)) }
    }

    public func remove(_ id: String) async throws {
        try await database.transaction { sql in
            let rows = try await sql.query("DELETE FROM classes WHERE id = ? RETURNING organization_id", .text(id))
            guard let organizationId = rows.first?.text("organization_id") else { throw StoreError(.notFound, "no class \(id)") }
            try await RosterStore.bumpRoster(organizationId, in: sql)
        }
    }

    public func schoolClass(_ id: String) async throws -> SchoolClass? {
        try await classes(where: "c.id = ?", .text(id)).first
    }

    public func classes(organizationId: String) async throws -> [SchoolClass] {
        try await classes(where: "c.organization_id = ?", .text(organizationId.lowercased()))
    }

    /// The classes a teacher teaches.
    public func classes(taughtBy userId: String) async throws -> [SchoolClass] {
        try await classes(where: "c.id IN (SELECT class_id FROM class_teachers WHERE user_id = ?)", .text(userId))
    }

    /// The classes a student belongs to, by id.
    public func classIds(ofStudents organizationId: String) async throws -> [String: [String]] {
        var byStudent: [String: [String]] = [:]
        for row in try await database.query(
            "SELECT cs.student_id, cs.class_id FROM class_students cs JOIN classes c ON c.id = cs.class_id WHERE c.organization_id = ?",
            .text(organizationId.lowercased())) {
            byStudent[row.text("student_id")!, default: []].append(row.text("class_id")!)
        }
        return byStudent
    }

    /// Makes the class's students exactly `studentIds` (all of its organization).
    public func setStudents(_ studentIds: [String], of classId: String) async throws {
        try await setMembers(classId, table: "class_students", column: "student_id", ids: studentIds, ownerTable: "students")
    }

    public func addStudents(_ studentIds: [String], to classId: String) async throws {
        let current = try await schoolClass(classId)?.studentIds ?? []
        try await setStudents(Array(Set(current + studentIds)), of: classId)
    }

    public func setTeachers(_ userIds: [String], of classId: String) async throws {
        try await setMembers(classId, table: "class_teachers", column: "user_id", ids: userIds, ownerTable: "users")
    }

    public func setDevices(_ deviceIds: [String], of classId: String) async throws {
        // Device ids are unique per organization: a row names the organization too.
        try await setMembers(classId, table: "device_classes", column: "device_id", ids: deviceIds, ownerTable: "devices", keyedByOrganization: true)
    }

    /// The classes a device serves (none: it serves everyone, as before classes existed).
    public func classIds(servedBy device: DeviceKey) async throws -> [String] {
        try await database.query("SELECT class_id FROM device_classes WHERE organization_id = ? AND device_id = ? ORDER BY class_id",
                                 .text(device.organizationId), .text(device.id)).compactMap { $0.text("class_id") }
    }

    /// The students a device recognises: those of its classes, or, with none, the whole organization (nil).
    public func studentIds(servedBy device: DeviceKey) async throws -> Set<String>? {
        guard try await !classIds(servedBy: device).isEmpty else { return nil }
        return Set(try await database.query(
            """
            SELECT DISTINCT cs.student_id FROM class_students cs JOIN device_classes dc ON dc.class_id = cs.class_id
            WHERE dc.organization_id = ? AND dc.device_id = ?
            """, .text(device.organizationId), .text(device.id)).compactMap { $0.text("student_id") })
    }

    /// The devices whose classes a teacher teaches.
    public func deviceIds(servingClassesOf userId: String) async throws -> Set<String> {
        Set(try await database.query(
            """
            SELECT DISTINCT dc.device_id FROM device_classes dc JOIN class_teachers ct ON ct.class_id = dc.class_id
            WHERE ct.user_id = ?
            """, .text(userId)).map { $0.text("device_id")! })
    }

    // MARK: -

    private func setMembers(_ classId: String, table: String, column: String, ids: [String], ownerTable: String,
                            keyedByOrganization: Bool = false) async throws {
        try await database.transaction { sql in
            guard let organizationId = try await sql.query("SELECT organization_id FROM classes WHERE id = ?", .text(classId))
                .first?.text("organization_id") else { throw StoreError(.notFound, "no class \(classId)") }
            for id in Set(ids) {
                guard try await !sql.query("SELECT id FROM \(ownerTable) WHERE id = ? AND organization_id = ?", .text(id),
                                           .text(organizationId)).isEmpty else {
                    throw StoreError(.invalid, "\(id) is not one of this organization's \(ownerTable)")
                }
            }
            try await sql.query("DELETE FROM \(table) WHERE class_id = ?", .text(classId))
            for id in Set(ids) {
                if keyedByOrganization {
                    try await sql.query("INSERT INTO \(table) (organization_id, class_id, \(column)) VALUES (?, ?, ?)",
                                        .text(organizationId), .text(classId), .text(id))
                } else {
                    try await sql.query("INSERT INTO \(table) (class_id, \(column)) VALUES (?, ?)", .text(classId), .text(id))
                }
            }
            // Who a device recognises may have changed.
            if table != "class_teachers" { try await RosterStore.bumpRoster(organizationId, in: sql) }
        }
    }

    private func classes(where condition: String, _ argument: SQLValue) async throws -> [SchoolClass] {
        let rows = try await database.query("SELECT c.* FROM classes c WHERE \(condition) ORDER BY c.name", argument)
        guard !rows.isEmpty else { return [] }
        let ids = rows.map { $0.text("id")! }
        var members: [String: (students: [String], teachers: [String], devices: [String])] = [:]
        for (table, column) in [("class_students", "student_id"), ("class_teachers", "user_id"), ("device_classes", "device_id")] {
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            for row in try await database.query("SELECT class_id, \(column) AS member FROM \(table) WHERE class_id IN (\(placeholders)) ORDER BY \(column)",
                                                ids.map(SQLValue.text)) {
                let classId = row.text("class_id")!, member = row.text("member")!
                var entry = members[classId] ?? ([], [], [])
                switch table {
                case "class_students": entry.students.append(member)
                case "class_teachers": entry.teachers.append(member)
                default: entry.devices.append(member)
                }
                members[classId] = entry
            }
        }
        return rows.map { row in
            let id = row.text("id")!
            let entry = members[id] ?? ([], [], [])
            return SchoolClass(id: id, organizationId: row.text("organization_id")!, name: row.text("name")!,
                               startsAt: row.text("starts_at"), studentIds: entry.students, teacherIds: entry.teachers,
                               deviceIds: entry.devices)
        }
    }

    /// `HH:MM` from 00:00 to 23:59, or nil.
    static func checkTime(_ time: String?) throws {
        guard let time else { return }
        let parts = time.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...23).contains(hour), (0...59).contains(minute)
        else { throw StoreError(.invalid, "a start time is HH:MM, like 08:30, not \(time)") }
    }
}
