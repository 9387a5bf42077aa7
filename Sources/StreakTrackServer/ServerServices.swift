import BackendStore
import Logging
import StreakTrackLogging
import StreakTrackProtocol

/// What every part of the server shares: the stores, who is connected, the
/// metrics, and how photo URLs are written.
struct ServerServices: Sendable {
    let stores: BackendStores
    let hub: LiveHub
    /// The other instances on this database, if any can be.
    let cluster: any Cluster
    let metrics: ServerMetrics
    let configuration: ServerConfiguration
    /// `http://host:port`, the base of every photo URL in a roster; known once listening.
    let publicBase: LateValue<String>
    let photoLinks: PhotoLinks
    let logger: Logger
    /// Lines about what peers did wrong, a few per peer and interval.
    let peerLog: PeerLog

    var publicURL: String { publicBase.get() }

    /// A signed link to a photo, good for `audience` until the link lifetime is over.
    func photoURL(_ photoId: String, for audience: PhotoLinks.Audience, face: Bool = false) -> String {
        photoLinks.url(base: publicURL, photoId: photoId, for: audience, face: face)
    }

    /// Every change, with its access check and audit entry; roster changes pushed to this server's devices at once.
    var operations: Operations {
        Operations(stores: stores, announce: { [self] organizationId in
            await RosterBroadcaster(services: self).pushChanges(organizationId: organizationId)
        })
    }

    /// Enrolling students, every photo checked by the face engine.
    var enrolment: Enrolment {
        Enrolment(stores: stores, check: PhotoCheck(engine: configuration.faceEngine, thresholds: configuration.photoThresholds),
                  tolerance: configuration.lookAlikeTolerance)
    }

    /// A received message as a JSON object, or nil (counted and logged) when it
    /// is not one: the original backend ignores such messages and keeps the connection.
    func parse(_ text: String, from peer: String, logger: Logger) -> JSONObject? {
        do {
            return try JSONObject(parsing: text)
        } catch {
            metrics.message("malformed")
            peerLog.warning(from: peer, "\(peer) sent \(String(describing: error).cutForLog(200)); ignored")
            return nil
        }
    }

    /// Gauges follow the hub after every attach and detach.
    func updateConnectionGauges() async {
        let counts = await hub.counts
        metrics.connectedDevices.set(Int64(counts.devices))
        metrics.connectedDashboards.set(Int64(counts.dashboards))
    }
}
