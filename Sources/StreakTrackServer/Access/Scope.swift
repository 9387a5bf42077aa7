import BackendStore

/// What a principal may see beyond their role: a teacher, only their own classes,
/// their students, and the devices serving them.
extension ServerServices {
    /// The classes a principal may see: nil for all of the organization.
    func visibleClassIds(_ principal: Principal) async throws -> Set<String>? {
        guard let user = principal.user, user.role == .teacher else { return nil }
        return Set(try await stores.classes.classes(taughtBy: user.id).map(\.id))
    }

    /// A class of the organization the principal may see.
    func requireClass(_ classId: String, for principal: Principal) async throws -> SchoolClass {
        guard let schoolClass = try await stores.classes.schoolClass(classId) else { throw APIError(.notFound, "no class \(classId)") }
        try principal.require(nil, in: schoolClass.organizationId)
        if let visible = try await visibleClassIds(principal), !visible.contains(classId) {
            throw APIError(.forbidden, "this is not one of your classes")
        }
        return schoolClass
    }

    /// A student the principal may see (a teacher: one in their classes).
    func requireStudent(_ studentId: String, for principal: Principal) async throws -> Student {
        guard let student = try await stores.roster.student(studentId) else { throw APIError(.notFound, "no student \(studentId)") }
        try principal.require(nil, in: student.organizationId)
        if let visible = try await visibleClassIds(principal) {
            let theirs = Set(try await stores.classes.classIds(ofStudents: student.organizationId)[studentId] ?? [])
            guard !theirs.isDisjoint(with: visible) else { throw APIError(.forbidden, "this student is in none of your classes") }
        }
        return student
    }

    /// The students a principal may see: nil for all of the organization.
    func visibleStudentIds(_ principal: Principal) async throws -> Set<String>? {
        guard let user = principal.user, user.role == .teacher else { return nil }
        return Set(try await stores.classes.classes(taughtBy: user.id).flatMap(\.studentIds))
    }

    /// Whether the principal may watch a device live: the one rule every front end asks
    /// (the socket's device, a `start_stream` for another door, the devices list).
    /// It is decided from the door, never from what the request names: a person of the
    /// door's own organization (a teacher: a door serving their classes, or one serving
    /// the whole school, which their students pass too), or the admin token. A door the
    /// server does not know (an unregistered id, not connected now) has no organization
    /// to compare with: only the admin token may wait for it.
    func mayWatch(_ deviceId: String, principal: Principal) async throws -> Bool {
        guard case .person(let user, _) = principal else { return true }
        let device = try await stores.devices.device(deviceId)
        let organizationId: String? = if let device {
            device.organizationId
        } else {
            // An unregistered door let in by --open-devices: the organization it connected to.
            await hub.device(deviceId)?.organizationId
        }
        guard let organizationId, organizationId == user.organizationId else { return false }
        guard user.role == .teacher else { return true }
        if try await stores.classes.deviceIds(servingClassesOf: user.id).contains(deviceId) { return true }
        return device?.classIds.isEmpty == true
    }
}
