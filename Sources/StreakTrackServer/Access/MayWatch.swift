import BackendStore

/// Who may watch a door live: the one rule for the socket's door, a `start_stream`
/// naming another door, and the devices list.
extension ServerServices {
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
