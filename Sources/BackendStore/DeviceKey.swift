/// A door as the server tells doors apart: its id within its organization. Ids are
/// unique per organization, not across the server: two schools may each have a
/// "door-1", and neither learns of the other's (nor can take an id ahead of it).
public struct DeviceKey: Hashable, Sendable, CustomStringConvertible {
    public let organizationId: String
    public let id: String

    public init(_ id: String, of organizationId: String) {
        self.id = id
        self.organizationId = organizationId.lowercased()
    }

    /// As logs name it.
    public var description: String { "\(id) (organization \(organizationId))" }
}

extension Device {
    public var key: DeviceKey { DeviceKey(id, of: organizationId) }
}
