import BackendStore

/// Doors: registered (answering with the secret, shown once), given a new secret,
/// changed (name, room, classes served, admitted without a secret), removed.
extension Operations {
    /// A device of an organization the principal may manage doors of.
    public func managedDevice(_ id: String, for principal: Principal) async throws -> Device {
        guard let device = try await stores.devices.device(id) else { throw APIError(.notFound, "no device \(id)") }
        try principal.require(.roster, in: device.organizationId)
        return device
    }

    /// Registers a door; its secret.
    public func registerDevice(_ id: String, named name: String?, room: String? = nil, admitWithoutSecret: Bool,
                               in organizationId: String, by principal: Principal) async throws -> String {
        try principal.require(.roster, in: organizationId)
        guard try await stores.roster.organization(organizationId) != nil else { throw APIError(.notFound, "no organization \(organizationId)") }
        let stores = stores
        return try await committed(principal, in: organizationId, .deviceRegister, target: { _ in id },
                                   detail: { _ in admitWithoutSecret ? "admitted without a secret" : "" }) {
            let secret = try await stores.devices.register(id: id, organizationId: organizationId, name: name ?? id,
                                                           admitWithoutSecret: admitWithoutSecret)
            if let room { try await stores.devices.setRoom(room, deviceId: id) }
            return secret
        }
    }

    /// A lost or leaked config.json: a new secret, and the old one stops working at once.
    public func renewSecret(of id: String, by principal: Principal) async throws -> (secret: String, device: Device) {
        let device = try await managedDevice(id, for: principal)
        let stores = stores
        let secret = try await committed(principal, in: device.organizationId, .deviceSecret, target: { _ in id }) {
            try await stores.devices.renewSecret(id)
        }
        return (secret, device)
    }

    /// What a change to a door replaces; nil leaves it as it is.
    public struct DeviceChange: Sendable {
        public var admitWithoutSecret: Bool?
        public var name: String?
        public var room: String?
        public var classIds: [String]?

        public init(admitWithoutSecret: Bool? = nil, name: String? = nil, room: String? = nil, classIds: [String]? = nil) {
            (self.admitWithoutSecret, self.name, self.room, self.classIds) = (admitWithoutSecret, name, room, classIds)
        }

        var summary: String {
            [admitWithoutSecret.map { "admit without secret: \($0)" }, name.map { "name \($0)" }, room.map { "room \($0)" },
             classIds.map { "\($0.count) classes" }].compactMap { $0 }.joined(separator: ", ")
        }
    }

    public func changeDevice(_ id: String, _ change: DeviceChange, by principal: Principal) async throws -> Device {
        let device = try await managedDevice(id, for: principal)
        let stores = stores
        let changed = try await committed(principal, in: device.organizationId, .deviceChange, target: \.id, detail: { _ in change.summary }) {
            if let admit = change.admitWithoutSecret { try await stores.devices.setAdmitWithoutSecret(admit, deviceId: id) }
            if let name = change.name { try await stores.devices.rename(id, to: name) }
            if let room = change.room { try await stores.devices.setRoom(room, deviceId: id) }
            if let classIds = change.classIds { try await stores.devices.setClasses(classIds, deviceId: id) }
            guard let changed = try await stores.devices.device(id) else { throw StoreError(.notFound, "no device \(id)") }
            return changed
        }
        // The classes a door serves decide its roster.
        if change.classIds != nil { await announce(device.organizationId) }
        return changed
    }

    public func removeDevice(_ id: String, by principal: Principal) async throws {
        let device = try await managedDevice(id, for: principal)
        let stores = stores
        try await committed(principal, in: device.organizationId, .deviceRemove, target: { _ in id }) {
            try await stores.devices.remove(id)
        }
    }
}
