import BackendStore
import ServiceLifecycle
import StreakTrackProtocol
import Synchronization

/// Sends a connected device its organization's new roster whenever the roster
/// changes: after a change through this server at once; for changes made by
/// another process (the command line, another instance) at once too with
/// PostgreSQL, which announces every change (`BackendStores.rosterChannel`), and within
/// a poll interval with SQLite, or while PostgreSQL's announcements are not heard.
struct RosterBroadcaster: Service {
    let services: ServerServices
    /// Whether PostgreSQL's announcements are being heard: the poll then only guards against a missed one.
    private let hearing = Flag()
    static let pollWhileHearing: Duration = .seconds(30)

    init(services: ServerServices) {
        self.services = services
    }

    func run() async throws {
        let postgres = services.stores.database as? PostgresDatabase
        await withTaskGroup(of: Void.self) { group in
            if let postgres { group.addTask { await listen(to: postgres) } }
            group.addTask { await poll() }
        }
    }

    private func poll() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await pushChanges()
            let interval = hearing.isSet ? Self.pollWhileHearing : services.configuration.rosterPollInterval
            await sleepUnlessStopping(for: interval)
        }
    }

    /// Hears roster announcements until shutdown; polls as often as without them while deaf.
    private func listen(to database: PostgresDatabase) async {
        let listener = PostgresListener(database: database, channel: BackendStores.rosterChannel, logger: services.logger)
        await listener.run(hearing: { hearing in
            self.hearing.set(hearing)
            // Whatever changed while nobody was listening.
            if hearing { await pushChanges() }
        }, received: { organizationId in
            await pushChanges(organizationId: organizationId)
        })
    }

    /// Sends the roster to every connected device whose copy is older than the store's.
    func pushChanges(organizationId: String? = nil) async {
        let versions: [String: Int64]
        do {
            versions = try await services.stores.roster.rosterVersions()
        } catch {
            services.metrics.storeErrors.increment()
            services.logger.error("cannot read roster versions: \(error)")
            return
        }
        var rosters: [String: Roster] = [:]
        for (deviceId, link) in await services.hub.allDevices() {
            guard organizationId == nil || link.organizationId == organizationId,
                  let version = versions[link.organizationId], version > link.rosterVersion,
                  await services.hub.claimRosterVersion(version, device: deviceId)
            else { continue }
            if rosters[link.organizationId] == nil {
                do {
                    rosters[link.organizationId] = try await services.stores.roster.roster(organizationId: link.organizationId) { $0 }
                } catch {
                    services.metrics.storeErrors.increment()
                    services.logger.error("cannot read the roster of \(link.organizationId): \(error)")
                    continue
                }
            }
            // Each device gets its classes' students (or everyone), with links signed for itself.
            var roster = rosters[link.organizationId]!
            do {
                if let served = try await services.stores.classes.studentIds(servedBy: deviceId) {
                    roster.students = roster.students.filter { served.contains($0.id) }
                }
            } catch {
                services.metrics.storeErrors.increment()
                continue
            }
            for index in roster.students.indices {
                roster.students[index].images = roster.students[index].images.map { services.photoURL($0, for: .device(deviceId.id)) }
            }
            link.outbox.send(ServerMessage.roster(roster.withDescriptors()).text)
            services.logger.info("sent the changed roster to device \(deviceId)")
        }
    }
}

/// A flag shared by the broadcaster's tasks.
private final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set(_ newValue: Bool) { value.withLock { $0 = newValue } }
}
