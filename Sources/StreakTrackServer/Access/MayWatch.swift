import BackendStore

/// Who may watch a door live: the one rule for the socket's door, a `start_stream`
/// naming another door, and the devices list.
extension ServerServices {
    /// Whether the principal may watch a device live: the one rule every front end asks
    /// (the socket's device, a `start_stream` for another door, the devices list).
    /// It is decided from the door, never from what the request names: a person of the
    /// door's own organization (a teacher: a door serving their classes, or one serving
    /// the whole school, which their students pass too), or the admin token. A door the
    /// server does not know (an unregistered id, not connected now) is nobody's to watch
    /// but the admin token's. A door is its id within its organization (`DeviceKey`).
    func mayWatch(_ door: DeviceKey, principal: Principal) async throws -> Bool {
        guard case .person(let user, _) = principal else { return true }
        guard door.organizationId == user.organizationId else { return false }
        let device = try await stores.devices.device(door)
        // A door the server knows: registered, or an unregistered one let in by --open-devices, connected now.
        let connected = await hub.device(door) != nil
        guard device != nil || connected else { return false }
        guard user.role == .teacher else { return true }
        if try await stores.classes.deviceIds(servingClassesOf: user.id).contains(door.id) { return true }
        return device?.classIds.isEmpty == true
    }
}
