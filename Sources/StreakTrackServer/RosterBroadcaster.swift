import ServiceLifecycle
import StreakTrackProtocol

/// Sends a connected device its organization's new roster whenever the roster
/// changes: after a change through this server at once, and, for changes made by
/// another process (the command line, a second server), within a poll interval.
struct RosterBroadcaster: Service {
    let services: ServerServices

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await pushChanges()
            try? await Task.sleep(for: services.configuration.rosterPollInterval)
        }
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
                roster.students[index].images = roster.students[index].images.map { services.photoURL($0, for: .device(deviceId)) }
            }
            link.outbox.send(ServerMessage.roster(roster.withDescriptors()).text)
            services.logger.info("sent the changed roster to device \(deviceId)")
        }
    }
}
