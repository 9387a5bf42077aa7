import BackendStore

/// Students and their photos. The photos come checked by the face engine
/// (`Enrolment.checked`): that takes seconds, and runs before the transaction
/// that keeps them, never inside it.
extension Operations {
    /// A new student with accepted photos, in `classIds` (each of the organization).
    public func enrol(_ name: String, enrollmentNo: String, photos: [PhotoUpload], classIds: [String] = [], in organizationId: String,
                      by principal: Principal, note: String = "") async throws -> Student {
        try principal.require(.roster, in: organizationId)
        try await requireClasses(classIds, of: organizationId)
        return try await committed(principal, in: organizationId, .studentAdd, announcing: true, target: { (student: Student) in student.id },
                                   detail: { "\($0.name) (\($0.enrollmentNo)), \(photos.count) photo(s)" + note }) {
            let student = try await stores.roster.addStudent(organizationId: organizationId, name: name, enrollmentNo: enrollmentNo,
                                                             photos: photos)
            for classId in classIds { try await stores.classes.addStudents([student.id], to: classId) }
            return student
        }
    }

    /// Refuses (400) a class that is not one of the organization's; the API asks before the
    /// face engine's checks too, which take seconds.
    public func requireClasses(_ classIds: [String], of organizationId: String) async throws {
        for classId in classIds {
            guard try await stores.classes.schoolClass(classId)?.organizationId == organizationId else {
                throw APIError(.badRequest, "\(classId) is not one of this organization's classes")
            }
        }
    }

    /// More accepted photos of a student, and more classes (a bulk enrolment's row of a
    /// student already there: `studentUpdate`; one photo from the dashboard: `photoAdd`).
    public func addPhotos(_ photos: [PhotoUpload], classIds: [String] = [], to student: Student, as action: AuditAction = .photoAdd,
                          by principal: Principal, detail: String) async throws -> [String] {
        try principal.require(.roster, in: student.organizationId)
        return try await committed(principal, in: student.organizationId, action, announcing: true,
                                   target: { action == .photoAdd ? $0.first ?? student.id : student.id }, detail: { _ in detail }) {
            var photoIds: [String] = []
            for photo in photos { photoIds.append(try await stores.roster.addPhoto(photo, studentId: student.id)) }
            for classId in classIds { try await stores.classes.addStudents([student.id], to: classId) }
            return photoIds
        }
    }

    public func removeStudent(_ id: String, by principal: Principal) async throws {
        let student = try await requireStudent(id, for: principal)
        try principal.require(.roster, in: student.organizationId)
        try await committed(principal, in: student.organizationId, .studentRemove, announcing: true, target: { _ in id },
                            detail: { _ in "\(student.name) (\(student.enrollmentNo))" }) {
            try await stores.roster.removeStudent(id)
        }
    }

    public func removePhoto(_ id: String, by principal: Principal) async throws {
        guard let owner = try await stores.roster.photo(id)?.studentId else { throw APIError(.notFound, "no photo \(id)") }
        let student = try await requireStudent(owner, for: principal)
        try principal.require(.roster, in: student.organizationId)
        try await committed(principal, in: student.organizationId, .photoRemove, announcing: true, target: { _ in id },
                            detail: { _ in "of \(student.name)" }) {
            try await stores.roster.removePhoto(id)
        }
    }
}
