import BackendStore
import ServiceLifecycle

/// What an instance shares with the other instances serving its database: who holds
/// each device, and what happens at the doors. One instance (SQLite, or PostgreSQL alone)
/// shares nothing: `SingleInstance`; several on PostgreSQL: `PostgresCluster`.
protocol Cluster: Service {
    /// Whether other instances may hold devices and watch them (then the store's "online"
    /// is theirs to say too).
    var isShared: Bool { get }
    /// Takes the device for this instance (see `DeviceLeases.claim`).
    func claim(device id: DeviceKey, force: Bool) async throws -> DeviceClaim
    /// Gives the device up; false when another instance took it meanwhile.
    func release(device id: DeviceKey) async -> Bool
    /// The name of another live instance holding the device.
    func holder(of id: DeviceKey) async -> String?
    /// Tells the other instances (never this one, which has acted already).
    func publish(_ event: ClusterEvent) async
}

enum DeviceClaim: Sendable, Equatable {
    case claimed
    case heldElsewhere(instance: String)
}

/// What one instance tells the others: small, never a camera frame.
enum ClusterEvent: Sendable, Equatable {
    /// A stored mark or a `detected`, as its dashboards get it.
    case sighting(deviceId: DeviceKey, studentId: String, text: String)
    case status(deviceId: DeviceKey, online: Bool)
    /// A dashboard's message for a device connected elsewhere.
    case command(deviceId: DeviceKey, text: String)
    /// The device connected through `instance`: any other connection of it is stale.
    case takenOver(deviceId: DeviceKey, instance: String)
}

/// The only instance there is.
struct SingleInstance: Cluster {
    var isShared: Bool { false }
    func claim(device id: DeviceKey, force: Bool) async throws -> DeviceClaim { .claimed }
    func release(device id: DeviceKey) async -> Bool { true }
    func holder(of id: DeviceKey) async -> String? { nil }
    func publish(_ event: ClusterEvent) async {}
    /// A service that ends early would stop the server: this one waits for the stop.
    func run() async throws { try? await gracefulShutdown() }
}
