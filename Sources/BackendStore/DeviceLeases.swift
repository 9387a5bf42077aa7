import SQLStorage

/// Which server instance holds each connected device, when several serve one PostgreSQL
/// database: "device X is already connected" across the cluster. A holder renews its leases
/// every few seconds; a lease not renewed for `staleAfter` belongs to a dead instance and is
/// anyone's. PostgreSQL's clock decides freshness, so instances on machines whose clocks
/// differ agree.
public struct DeviceLeases: Sendable {
    let database: any SQLDatabase
    /// This process: a restarted instance with the same name is another holder.
    public let instance: String
    /// The name a load balancer knows it by (`serve --instance`).
    public let instanceName: String
    public let staleAfterSeconds: Int

    public init(database: any SQLDatabase, instance: String, instanceName: String, staleAfterSeconds: Int = 6) {
        self.database = database
        self.instance = instance
        self.instanceName = instanceName
        self.staleAfterSeconds = staleAfterSeconds
    }

    public enum Claim: Sendable, Equatable {
        /// Ours now; `takenFrom` is the live instance that had it (to be told to let go).
        case claimed(takenFrom: String?)
        /// A live instance holds it and we may not take it.
        case held(byInstanceNamed: String)
    }

    /// Takes the device for this instance. With `force` (a device that proved itself by its
    /// secret), even from a live holder: most often a connection a crash or a lost network left behind.
    public func claim(_ device: DeviceKey, force: Bool) async throws -> Claim {
        let instance = instance, name = instanceName, stale = staleAfterSeconds
        return try await database.transaction { sql in
            let current = try await sql.query("""
                SELECT instance, instance_name, CASE WHEN renewed_at > clock_timestamp() - make_interval(secs => ?) THEN 1 ELSE 0 END AS fresh
                FROM device_leases WHERE organization_id = ? AND device_id = ? FOR UPDATE
                """, .integer(Int64(stale)), .text(device.organizationId), .text(device.id)).first
            let liveHolder = current.flatMap { $0.bool("fresh") && $0.text("instance") != instance ? $0 : nil }
            if let liveHolder, !force { return .held(byInstanceNamed: liveHolder.text("instance_name") ?? "another instance") }
            try await sql.query("""
                INSERT INTO device_leases (organization_id, device_id, instance, instance_name, renewed_at)
                VALUES (?, ?, ?, ?, clock_timestamp())
                ON CONFLICT (organization_id, device_id) DO UPDATE SET instance = EXCLUDED.instance, instance_name = EXCLUDED.instance_name,
                    renewed_at = EXCLUDED.renewed_at
                """, .text(device.organizationId), .text(device.id), .text(instance), .text(name))
            return .claimed(takenFrom: liveHolder?.text("instance"))
        }
    }

    /// Gives the device up; false when another instance holds it now (it took the device over).
    public func release(_ device: DeviceKey) async throws -> Bool {
        let released = try await database.query(
            "DELETE FROM device_leases WHERE organization_id = ? AND device_id = ? AND instance = ? RETURNING device_id",
            .text(device.organizationId), .text(device.id), .text(instance))
        guard released.isEmpty else { return true }
        // Not ours: another's, or nobody's (this instance is stopping and gave every lease up).
        return try await database.query("SELECT device_id FROM device_leases WHERE organization_id = ? AND device_id = ?",
                                        .text(device.organizationId), .text(device.id)).isEmpty
    }

    /// Renews every lease of this instance; returns the devices it still holds.
    public func renew() async throws -> Set<DeviceKey> {
        let rows = try await database.query(
            "UPDATE device_leases SET renewed_at = clock_timestamp() WHERE instance = ? RETURNING organization_id, device_id", .text(instance))
        return Set(rows.compactMap(Self.key))
    }

    /// Removes the leases of other instances that stopped renewing and marks their devices
    /// offline; returns those devices. Each is returned to exactly one caller, however many
    /// instances sweep. (This instance's own late leases are its renewal's business: a
    /// process starved of CPU for a while still holds its connections.)
    public func expire() async throws -> [DeviceKey] {
        let stale = staleAfterSeconds, instance = instance
        return try await database.transaction { sql in
            let rows = try await sql.query("""
                DELETE FROM device_leases WHERE renewed_at < clock_timestamp() - make_interval(secs => ?) AND instance <> ?
                RETURNING organization_id, device_id
                """, .integer(Int64(stale)), .text(instance))
            let keys = rows.compactMap(Self.key)
            for key in keys {
                try await sql.query("UPDATE devices SET online = 0, last_seen = ? WHERE organization_id = ? AND id = ?", .text(Clock.now()),
                                    .text(key.organizationId), .text(key.id))
            }
            return keys
        }
    }

    /// The name of the live instance holding the device, when it is not this one.
    public func holder(of device: DeviceKey) async throws -> String? {
        let row = try await database.query("""
            SELECT instance_name FROM device_leases
            WHERE organization_id = ? AND device_id = ? AND instance <> ? AND renewed_at > clock_timestamp() - make_interval(secs => ?)
            """, .text(device.organizationId), .text(device.id), .text(instance), .integer(Int64(staleAfterSeconds))).first
        return row?.text("instance_name")
    }

    /// At a clean stop: every device of this instance is free at once.
    public func releaseAll() async throws {
        try await database.query("DELETE FROM device_leases WHERE instance = ?", .text(instance))
    }

    private static func key(_ row: SQLRow) -> DeviceKey? {
        guard let organization = row.text("organization_id"), let id = row.text("device_id") else { return nil }
        return DeviceKey(id, of: organization)
    }
}
