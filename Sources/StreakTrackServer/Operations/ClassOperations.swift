import BackendStore

/// Classes: added, changed (name, start time, students, teachers, doors), removed.
extension Operations {
    public func addClass(named name: String, startsAt: String? = nil, in organizationId: String, by principal: Principal) async throws -> SchoolClass {
        try principal.require(.roster, in: organizationId)
        return try await committed(principal, in: organizationId, .classAdd, target: \.id, detail: \.name) {
            try await stores.classes.add(organizationId: organizationId, name: name, startsAt: startsAt)
        }
    }

    /// What a change to a class replaces; nil leaves it as it is.
    public struct ClassChange: Sendable {
        public var name: String?
        /// nil: unchanged; .some(nil): no start time.
        public var startsAt: String??
        public var studentIds: [String]?
        public var teacherIds: [String]?
        public var deviceIds: [String]?

        public init(name: String? = nil, startsAt: String?? = nil, studentIds: [String]? = nil, teacherIds: [String]? = nil,
                    deviceIds: [String]? = nil) {
            (self.name, self.startsAt, self.studentIds, self.teacherIds, self.deviceIds) = (name, startsAt, studentIds, teacherIds, deviceIds)
        }

        /// As the audit log says it.
        var summary: String {
            [name.map { _ in "name" }, startsAt.map { _ in "start time" }, studentIds.map { "\($0.count) students" },
             teacherIds.map { "\($0.count) teachers" }, deviceIds.map { "\($0.count) devices" }].compactMap { $0 }.joined(separator: ", ")
        }
    }

    public func changeClass(_ id: String, _ change: ClassChange, by principal: Principal) async throws -> SchoolClass {
        let existing = try await requireClass(id, for: principal)
        try principal.require(.roster, in: existing.organizationId)
        return try await committed(principal, in: existing.organizationId, .classChange, announcing: true, target: \.id,
                                   detail: { _ in change.summary }) {
            try await stores.classes.update(id, name: change.name, startsAt: change.startsAt)
            if let ids = change.studentIds { try await stores.classes.setStudents(ids, of: id) }
            if let ids = change.teacherIds { try await stores.classes.setTeachers(ids, of: id) }
            if let ids = change.deviceIds { try await stores.classes.setDevices(ids, of: id) }
            guard let changed = try await stores.classes.schoolClass(id) else { throw StoreError(.notFound, "no class \(id)") }
            return changed
        }
    }

    public func removeClass(_ id: String, by principal: Principal) async throws {
        let existing = try await requireClass(id, for: principal)
        try principal.require(.roster, in: existing.organizationId)
        try await committed(principal, in: existing.organizationId, .classRemove, announcing: true, target: { _ in id },
                            detail: { _ in existing.name }) {
            try await stores.classes.remove(id)
        }
    }

    /// The school's weekdays (1 Monday ... 7 Sunday) and holidays.
    public func setWeekdays(_ weekdays: Set<Int>, in organizationId: String, by principal: Principal) async throws {
        try principal.require(.roster, in: organizationId)
        try await committed(principal, in: organizationId, .calendarWeekdays, target: { _ in organizationId },
                            detail: { _ in weekdays.sorted().map(String.init).joined(separator: ",") }) {
            try await stores.calendars.setWeekdays(weekdays, organizationId: organizationId)
        }
    }

    public func addHoliday(_ day: String, named name: String, in organizationId: String, by principal: Principal) async throws {
        try principal.require(.roster, in: organizationId)
        try await committed(principal, in: organizationId, .calendarHoliday, target: { _ in day }, detail: { _ in name }) {
            try await stores.calendars.addHoliday(day, name: name, organizationId: organizationId)
        }
    }

    public func removeHoliday(_ day: String, in organizationId: String, by principal: Principal) async throws {
        try principal.require(.roster, in: organizationId)
        try await committed(principal, in: organizationId, .calendarHolidayRemoved, target: { _ in day }) {
            try await stores.calendars.removeHoliday(day, organizationId: organizationId)
        }
    }
}
