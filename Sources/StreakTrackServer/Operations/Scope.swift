import BackendStore

/// What a principal may see beyond their role: a teacher, only their own classes,
/// their students, and the devices serving them.
extension Operations {
    /// The classes a principal may see: nil for all of the organization.
    public func visibleClassIds(_ principal: Principal) async throws -> Set<String>? {
        guard let user = principal.user, user.role == .teacher else { return nil }
        return Set(try await stores.classes.classes(taughtBy: user.id).map(\.id))
    }

    /// A class of the organization the principal may see.
    public func requireClass(_ classId: String, for principal: Principal) async throws -> SchoolClass {
        guard let schoolClass = try await stores.classes.schoolClass(classId) else { throw APIError(.notFound, "no class \(classId)") }
        try principal.require(nil, in: schoolClass.organizationId)
        if let visible = try await visibleClassIds(principal), !visible.contains(classId) {
            throw APIError(.forbidden, "this is not one of your classes")
        }
        return schoolClass
    }

    /// A student the principal may see (a teacher: one in their classes).
    public func requireStudent(_ studentId: String, for principal: Principal) async throws -> Student {
        guard let student = try await stores.roster.student(studentId) else { throw APIError(.notFound, "no student \(studentId)") }
        try principal.require(nil, in: student.organizationId)
        if let visible = try await visibleClassIds(principal) {
            let theirs = Set(try await stores.classes.classIds(ofStudents: student.organizationId)[studentId] ?? [])
            guard !theirs.isDisjoint(with: visible) else { throw APIError(.forbidden, "this student is in none of your classes") }
        }
        return student
    }

    /// The students a principal may see: nil for all of the organization.
    public func visibleStudentIds(_ principal: Principal) async throws -> Set<String>? {
        guard let user = principal.user, user.role == .teacher else { return nil }
        return Set(try await stores.classes.classes(taughtBy: user.id).flatMap(\.studentIds))
    }
}
