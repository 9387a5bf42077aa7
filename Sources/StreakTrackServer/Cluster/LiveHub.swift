import BackendStore
import StreakTrackProtocol

/// Who is connected: one hardware connection per device, and any number of
/// dashboards watching each device. A device is its id within its organization
/// (`DeviceKey`): two schools' "door-1" are two doors.
actor LiveHub {
    struct DeviceLink: Sendable {
        let organizationId: String
        let outbox: Outbox
        let acknowledgements: Bool
        /// False for an unregistered id let in by `openDevices`: it has no row in the store.
        let registered: Bool
        /// Closes the connection at once.
        let close: @Sendable () -> Void
        /// The roster version the device has last been sent.
        var rosterVersion: Int64
        let attachedAt = ContinuousClock.now
    }

    private var devices: [DeviceKey: DeviceLink] = [:]
    struct DashboardLink: Sendable {
        let outbox: Outbox
        /// Wants `device_status` messages (our extension; an old dashboard never gets them).
        let wantsStatus: Bool
        /// The students whose marks and sightings it may see (a teacher's, taken when
        /// the page connects); nil for everyone's.
        let studentIds: Set<String>?

        func sees(_ studentId: String?) -> Bool {
            guard let studentIds, let studentId else { return true }
            return studentIds.contains(studentId)
        }
    }

    private var dashboards: [DeviceKey: [ObjectIdentifier: DashboardLink]] = [:]

    /// False when the device already has a connection (the original refuses a second).
    /// With `replacing`, a device that proved itself by its secret takes the place of
    /// its old connection (most often one a crash or a lost network left behind),
    /// which is closed.
    func attach(device id: DeviceKey, _ link: DeviceLink, replacing: Bool = false) -> Bool {
        if let old = devices[id] {
            guard replacing else { return false }
            old.close()
        }
        devices[id] = link
        return true
    }

    /// False when another connection of the device had already taken this one's place.
    @discardableResult
    func detach(device id: DeviceKey, outbox: Outbox) -> Bool {
        guard devices[id]?.outbox === outbox else { return false }
        devices[id] = nil
        return true
    }

    func device(_ id: DeviceKey) -> DeviceLink? { devices[id] }

    /// Records that `version` of the roster goes to the device; false when it has
    /// it already (so two pushers never send the same roster twice).
    func claimRosterVersion(_ version: Int64, device id: DeviceKey) -> Bool {
        guard let current = devices[id]?.rosterVersion, current < version else { return false }
        devices[id]?.rosterVersion = version
        return true
    }

    /// False when `limit` dashboards watch the device already.
    func attach(dashboard link: DashboardLink, watching deviceId: DeviceKey, limit: Int) -> Bool {
        guard dashboards[deviceId, default: [:]].count < limit else { return false }
        dashboards[deviceId, default: [:]][ObjectIdentifier(link.outbox)] = link
        return true
    }

    func detach(dashboard outbox: Outbox, watching deviceId: DeviceKey) {
        dashboards[deviceId]?[ObjectIdentifier(outbox)] = nil
        if dashboards[deviceId]?.isEmpty == true { dashboards[deviceId] = nil }
    }

    func dashboards(watching deviceId: DeviceKey) -> [DashboardLink] {
        dashboards[deviceId].map { Array($0.values) } ?? []
    }

    /// A device's mark or sighting to every dashboard here watching it that may see the student.
    func deliver(_ text: String, from deviceId: DeviceKey, about studentId: String?) {
        for dashboard in dashboards(watching: deviceId) where dashboard.sees(studentId) { dashboard.outbox.send(text) }
    }

    /// That a device came or went, to the dashboards here watching it that asked to know.
    func announce(deviceId: DeviceKey, online: Bool) {
        let text = ServerMessage.deviceStatus(deviceId: deviceId.id, online: online).text
        for dashboard in dashboards(watching: deviceId) where dashboard.wantsStatus { dashboard.outbox.send(text) }
    }

    /// Closes the device's connection here, if it has one: another instance holds it now.
    func letGo(device id: DeviceKey) {
        devices[id]?.close()
    }

    func allDevices() -> [(id: DeviceKey, link: DeviceLink)] {
        devices.map { ($0.key, $0.value) }
    }

    var counts: (devices: Int, dashboards: Int) {
        (devices.count, dashboards.values.reduce(0) { $0 + $1.count })
    }
}
