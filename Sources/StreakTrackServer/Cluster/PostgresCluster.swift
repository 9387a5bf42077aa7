import BackendStore
import Foundation
import Logging
import ServiceLifecycle
import SQLStorage

/// Several instances on one PostgreSQL database. Each device is leased by the instance it
/// is connected to (`DeviceLeases`, renewed every `renewEvery`); what happens at a door
/// (marks, sightings, a device coming or going) and a dashboard's message for a device
/// connected elsewhere travel as NOTIFY on `BackendStores.liveChannel`. Camera frames
/// never do: a dashboard sees a camera on the instance its device is connected to.
final class PostgresCluster: Cluster {
    let database: PostgresDatabase
    let leases: DeviceLeases
    let hub: LiveHub
    let metrics: ServerMetrics
    let logger: Logger
    static let renewEvery: Duration = .seconds(2)

    var isShared: Bool { true }

    init(database: PostgresDatabase, instanceName: String, hub: LiveHub, metrics: ServerMetrics, logger: Logger) {
        self.database = database
        // The name alone would make a restarted instance the holder of its dead predecessor's devices.
        leases = DeviceLeases(database: database, instance: "\(instanceName)/\(UUID().uuidString.prefix(8))", instanceName: instanceName)
        self.hub = hub
        self.metrics = metrics
        self.logger = logger
    }

    func claim(device id: DeviceKey, force: Bool) async throws -> DeviceClaim {
        switch try await leases.claim(id, force: force) {
        case .held(let name):
            return .heldElsewhere(instance: name)
        case .claimed(let takenFrom):
            if let takenFrom {
                logger.info("device \(id) was held by instance \(takenFrom): taken over (it proved itself by its secret)")
                await publish(.takenOver(deviceId: id, instance: leases.instance))
            }
            return .claimed
        }
    }

    func release(device id: DeviceKey) async -> Bool {
        do {
            return try await leases.release(id)
        } catch {
            metrics.storeErrors.increment()
            logger.error("cannot release device \(id)'s lease: \(error) (it expires by itself)")
            return true
        }
    }

    func holder(of id: DeviceKey) async -> String? {
        try? await leases.holder(of: id)
    }

    func publish(_ event: ClusterEvent) async {
        let payload = event.payload(from: leases.instance)
        guard payload.utf8.count <= ClusterEvent.maxPayloadBytes else {
            return logger.warning("not telling the other instances of a \(payload.utf8.count)-byte event: over NOTIFY's limit")
        }
        do {
            try await database.query("SELECT pg_notify(?, ?) AS sent", .text(database.channel(BackendStores.liveChannel)), .text(payload))
            metrics.clusterEvent("sent")
        } catch {
            metrics.storeErrors.increment()
            logger.warning("cannot tell the other instances (\(error))")
        }
    }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.listen() }
            group.addTask { await self.keepLeases() }
        }
        // A clean stop frees this instance's devices at once for the others.
        try? await leases.releaseAll()
    }

    private func listen() async {
        let listener = PostgresListener(database: database, channel: database.channel(BackendStores.liveChannel), logger: logger)
        await listener.run(hearing: { _ in }, received: { payload in
            guard let (event, from) = ClusterEvent.read(payload) else { return self.metrics.clusterEvent("unreadable") }
            guard from != self.leases.instance else { return }
            self.metrics.clusterEvent("received")
            if case .takenOver(let deviceId, _) = event {
                await self.letGoIfTaken(deviceId)
            } else {
                await event.deliver(to: self.hub)
            }
        })
    }

    /// Closes this instance's connection of a device whose lease is another's (a take-over
    /// heard late, after the device came back here, must not close its new connection).
    private func letGoIfTaken(_ deviceId: DeviceKey) async {
        guard await hub.device(deviceId) != nil, await holder(of: deviceId) != nil else { return }
        logger.info("device \(deviceId) connected through another instance: closing its old connection here")
        await hub.letGo(device: deviceId)
    }

    /// Renews this instance's leases, lets go of devices whose lease another took, and
    /// frees the devices of instances that died.
    private func keepLeases() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await sleepUnlessStopping(for: Self.renewEvery)
            let renewal = ContinuousClock.now
            do {
                let held = try await leases.renew()
                for (id, link) in await hub.allDevices() where link.attachedAt < renewal && !held.contains(id) {
                    // Expired while this process was starved, or taken by another instance.
                    if case .held(let instance) = try await leases.claim(id, force: false) {
                        logger.warning("device \(id)'s lease is instance \(instance)'s: closing its connection here")
                        await hub.letGo(device: id)
                    }
                }
                for id in try await leases.expire() {
                    logger.info("device \(id)'s instance stopped renewing its lease: the device is offline")
                    await hub.announce(deviceId: id, online: false)
                    await publish(.status(deviceId: id, online: false))
                }
            } catch {
                metrics.storeErrors.increment()
                logger.error("cannot renew this instance's device leases: \(error)")
            }
        }
    }
}
