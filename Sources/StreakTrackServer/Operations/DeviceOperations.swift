import BackendStore

/// Doors: registered (answering with the secret, shown once), given a new secret,
/// changed (name, room, classes served, admitted without a secret), removed.
extension Operations {
    /// A door of an organization the principal may manage doors of.
    public func managedDevice(_ door: DeviceKey, for principal: Principal) async throws -> Device {
        try principal.require(.roster, in: door.organizationId)
        guard let device = try await stores.devices.device(door) else { throw APIError(.notFound, "no device \(door.id)") }
        return device
    }

    /// Registers a door; its secret.
    public func registerDevice(_ id: String, named name: String?, room: String? = nil, admitWithoutSecret: Bool,
                               in organizationId: String, by principal: Principal) async throws -> String {
        try principal.require(.roster, in: organizationId)
        guard try await stores.roster.organization(organizationId) != nil else { throw APIError(.notFound, "no organization \(organizationId)") }
        return try await committed(principal, in: organizationId, .deviceRegister, target: { _ in id },
                                   detail: { _ in admitWithoutSecret ? "admitted without a secret" : "" }) {
            let secret = try await stores.devices.register(id: id, organizationId: organizationId, name: name ?? id,
                                                           admitWithoutSecret: admitWithoutSecret)
            if let room { try await stores.devices.setRoom(room, device: DeviceKey(id, of: organizationId)) }
            return secret
        }
    }

    /// A lost or leaked config.json: a new secret, and the old one stops working at once.
    public func renewSecret(of door: DeviceKey, by principal: Principal) async throws -> String {
        _ = try await managedDevice(door, for: principal)
        return try await committed(principal, in: door.organizationId, .deviceSecret, target: { _ in door.id }) {
            try await stores.devices.renewSecret(door)
        }
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

    public func changeDevice(_ door: DeviceKey, _ change: DeviceChange, by principal: Principal) async throws -> Device {
        _ = try await managedDevice(door, for: principal)
        // The classes a door serves decide its roster.
        return try await committed(principal, in: door.organizationId, .deviceChange, announcing: change.classIds != nil, target: \.id,
                                   detail: { _ in change.summary }) {
            if let admit = change.admitWithoutSecret { try await stores.devices.setAdmitWithoutSecret(admit, device: door) }
            if let name = change.name { try await stores.devices.rename(door, to: name) }
            if let room = change.room { try await stores.devices.setRoom(room, device: door) }
            if let classIds = change.classIds { try await stores.devices.setClasses(classIds, device: door) }
            guard let changed = try await stores.devices.device(door) else { throw StoreError(.notFound, "no device \(door.id)") }
            return changed
        }
    }

    public func removeDevice(_ door: DeviceKey, by principal: Principal) async throws {
        _ = try await managedDevice(door, for: principal)
        try await committed(principal, in: door.organizationId, .deviceRemove, target: { _ in door.id }) {
            try await stores.devices.remove(door)
        }
    }
}
