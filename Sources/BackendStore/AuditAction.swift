/// Every kind of change the audit log records, named once: the operation that makes
/// a change names its action here, whichever front end asked for it.
public enum AuditAction: String, Sendable, CaseIterable, Codable {
    case organizationAdd = "organization.add"
    case userAdd = "user.add"
    case userInvite = "user.invite"
    case userRemove = "user.remove"
    case userReset = "user.reset"
    case userPassword = "user.password"
    /// A one-time link used: the first admin's set-up, an invitation, a reset.
    case userSetup = "user.setup"
    case userInvitation = "user.invitation"
    case userPasswordReset = "user.password-reset"
    case classAdd = "class.add"
    case classChange = "class.change"
    case classRemove = "class.remove"
    case calendarWeekdays = "calendar.weekdays"
    case calendarHoliday = "calendar.holiday"
    case calendarHolidayRemoved = "calendar.holiday-removed"
    case deviceRegister = "device.register"
    case deviceChange = "device.change"
    case deviceSecret = "device.secret"
    case deviceRemove = "device.remove"
    case studentAdd = "student.add"
    case studentUpdate = "student.update"
    case studentRemove = "student.remove"
    case photoAdd = "photo.add"
    case photoRemove = "photo.remove"
    case attendanceCorrect = "attendance.correct"
    case attendanceUndo = "attendance.undo"

    /// The action of using a one-time link of `purpose`.
    public static func linkUsed(_ purpose: UserStore.LinkPurpose) -> AuditAction {
        switch purpose {
        case .setup: .userSetup
        case .invitation: .userInvitation
        case .reset: .userPasswordReset
        }
    }
}

extension AuditLog {
    public func record(organizationId: String?, actor: String, action: AuditAction, target: String, detail: String = "",
                       address: String? = nil) async throws {
        try await record(organizationId: organizationId, actor: actor, action: action.rawValue, target: target, detail: detail, address: address)
    }
}
