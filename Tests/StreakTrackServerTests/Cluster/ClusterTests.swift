import BackendStore
import Foundation
import Synchronization
import TestSupport
import Testing

/// Three `streaktrack-server` processes on one PostgreSQL database behind HAProxy
/// (`deploy/haproxy.cfg`): 300 doors marking with acknowledgements and three dashboards
/// watching, while one instance is killed with SIGKILL and another is upgraded (stopped,
/// started again from another copy of the program).
@Suite("Several instances behind HAProxy", .serialized)
struct ClusterTests {
    static let schools = 10, doorsPerSchool = 30, marksPerDoor = 6
    static let spacing: Duration = .milliseconds(1500)

    @Test func anInstanceKilledAndAnotherUpgradedLoseNoMarkAndEveryDoorIsAdmittedAgain() async throws {
        let location = try StoreKind.postgres.freshLocation()
        guard case .postgres(let url, let schema?) = location else { Issue.record("a fresh PostgreSQL location has a schema"); return }
        let stores = try await BackendStores.open(location)
        let doors = try await Self.district(in: stores)
        let cluster = try ServerCluster(names: ["a", "b", "c"], postgresURL: url, schema: schema)
        do {
            try await run(cluster, doors: doors, stores: stores)
        } catch {
            await cluster.stopAll()
            await stores.database.close()
            throw error
        }
        await cluster.stopAll()
        await stores.database.close()
    }

    private func run(_ cluster: ServerCluster, doors: [SimulatedDoor], stores: BackendStores) async throws {
        for name in cluster.names { try await cluster.start(name) }
        try await cluster.startBalancer()

        let finished = Shared(false)
        let markingStarts = Shared(ContinuousClock.now + .seconds(3600))
        let stop: @Sendable () -> Bool = { finished.value }
        let traffic = Task {
            await withTaskGroup(of: Void.self) { group in
                for door in doors {
                    group.addTask {
                        await door.run(through: cluster.balancer, start: { markingStarts.value }, spacing: Self.spacing, until: stop)
                    }
                }
            }
        }
        defer { finished.value = true }
        let connecting = ContinuousClock.now
        do {
            try await waitUntil(timeout: .seconds(120)) { doors.allSatisfy { !$0.state.withLock { $0.admissions.isEmpty } } }
        } catch {
            let admitted = doors.filter { !$0.state.withLock { $0.admissions.isEmpty } }.count
            Issue.record("\(admitted) of \(doors.count) doors admitted; the instances' logs are in \(cluster.directory) (STREAKTRACK_KEEP_TEST_FILES=1 keeps them)")
            throw error
        }
        print("cluster: \(doors.count) doors admitted through HAProxy (TLS) in \(ContinuousClock.now - connecting)")

        // Three dashboards: one meeting its door's instance through the balancer (the door on
        // the instance that lives on), one on another instance than its door's (connected to it
        // directly, as an organization-wide view may be), one whose door's instance will be killed.
        let holders = try await Dictionary(stores.database.query("SELECT device_id, instance_name FROM device_leases").map {
            ($0.text("device_id")!, $0.text("instance_name")!)
        }, uniquingKeysWith: { first, _ in first })
        func door(on instance: String) throws -> SimulatedDoor {
            try #require(doors.first { holders[$0.deviceId] == instance }, "some door is on instance \(instance): \(holders.count) leases")
        }
        let (steady, moving, orphaned) = (try door(on: "c"), try door(on: "b"), try door(on: "a"))
        let dashboards = [
            (SimulatedDashboard(deviceId: steady.deviceId, organizationId: steady.organizationId, token: cluster.token, wantsStream: false),
             cluster.balancer),
            (SimulatedDashboard(deviceId: moving.deviceId, organizationId: moving.organizationId, token: cluster.token, wantsStream: false),
             cluster.instance("c")),
            (SimulatedDashboard(deviceId: orphaned.deviceId, organizationId: orphaned.organizationId, token: cluster.token, wantsStream: true),
             cluster.balancer),
        ]
        let watching = Task {
            await withTaskGroup(of: Void.self) { group in
                for (dashboard, base) in dashboards { group.addTask { await dashboard.run(through: base, until: stop) } }
            }
        }
        let live = dashboards[2].0
        try await waitUntil(timeout: .seconds(30)) { live.state.withLock { $0.frames.count >= 3 } }

        // Marking begins; an instance dies in the middle of it.
        let start = ContinuousClock.now + .milliseconds(500)
        markingStarts.value = start
        try await Task.sleep(until: start + .milliseconds(2500))
        let killedAt = ContinuousClock.now
        cluster.kill("a")
        let cut = doors.filter { holders[$0.deviceId] == "a" }
        try await waitUntil(timeout: .seconds(60)) {
            cut.allSatisfy { door in door.state.withLock { $0.admissions.contains { $0 > killedAt } } }
        }
        let readmissions = cut.map { door in door.state.withLock { $0.admissions.first { $0 > killedAt }! } - killedAt }.sorted()
        let noticed = cut.compactMap { door in door.state.withLock { $0.losses.first { $0 > killedAt } }.map { $0 - killedAt } }.sorted()
        if !noticed.isEmpty { print("cluster: the doors noticed the loss \(noticed[noticed.count / 2]) (median), \(noticed.last!) (last) after the kill") }
        print("cluster: SIGKILL of instance a: its \(cut.count) doors admitted again within \(readmissions[readmissions.count / 2]) (median), \(readmissions.last!) (last), after the kill")
        try await waitUntil(timeout: .seconds(30)) { live.state.withLock { $0.frames.contains { $0 > killedAt } } }
        let liveAgain = live.state.withLock { $0.frames.first { $0 > killedAt }! } - killedAt
        print("cluster: the live view of \(orphaned.deviceId) was back \(liveAgain) after the kill (\(live.state.withLock { $0.connections.count }) connections, \(live.state.withLock { $0.redirections }) redirections)")

        // A rolling upgrade: instance b stops as for an update and starts again from another copy of the program.
        let next = cluster.directory + "/streaktrack-server-next"
        try FileManager.default.copyItem(atPath: ServerCluster.serverProgram, toPath: next)
        let upgradingAt = ContinuousClock.now
        await cluster.stop("b")
        let stopped = ContinuousClock.now - upgradingAt
        try await cluster.start("b", program: next)
        print("cluster: instance b upgraded: stopped (SIGTERM, its connections told to go) in \(stopped), ready again \(ContinuousClock.now - upgradingAt) after the SIGTERM")
        let moved = doors.filter { door in door.state.withLock { $0.losses.contains { $0 > upgradingAt } } }
        try await waitUntil(timeout: .seconds(60)) {
            moved.allSatisfy { door in door.state.withLock { $0.admissions.contains { $0 > upgradingAt } } }
        }
        let moves = moved.map { door in door.state.withLock { state in
            let lost = state.losses.first { $0 > upgradingAt }!
            return state.admissions.first { $0 > lost }! - lost
        } }.sorted()
        if !moves.isEmpty {
            print("cluster: b's \(moved.count) doors admitted elsewhere \(moves[moves.count / 2]) (median), \(moves.last!) (last) after b told them to go")
        }

        try await waitUntil(timeout: .seconds(180)) { doors.allSatisfy(\.allAcknowledged) }
        let marked = ContinuousClock.now - start
        try await Task.sleep(for: .seconds(1))  // the last marks' way to the dashboards
        finished.value = true
        await traffic.value
        await watching.value

        // Every acknowledged mark stored exactly once.
        let total = doors.count * Self.marksPerDoor
        let statuses = doors.flatMap { door in door.state.withLock { Array($0.acknowledged.values) } }
        #expect(statuses.count == total)
        #expect(statuses.allSatisfy { $0 == "stored" || $0 == "duplicate" }, "\(Set(statuses))")
        let stored = try await stores.database.query("SELECT count(*) AS n FROM attendance").first?.integer("n")
        let events = try await stores.database.query("SELECT count(*) AS n FROM attendance_events").first?.integer("n")
        #expect(stored == Int64(total), "one attendance row per mark")
        #expect(events == Int64(total), "one event per mark")
        let refused = doors.reduce(0) { $0 + $1.state.withLock { $0.refusedAsConnected } }
        #expect(refused == 0, "no door was refused as 'already connected' by its own stale connection")
        print("cluster: \(total) marks acknowledged in \(marked) (\(statuses.filter { $0 == "duplicate" }.count) acknowledged as duplicates: resent after a lost acknowledgement), \(stored ?? -1) stored")

        // Every dashboard heard every mark of its door (the live one: every mark acknowledged once it was back).
        for (index, (dashboard, _)) in dashboards.enumerated() {
            let door = [steady, moving, orphaned][index]
            let heard = dashboard.state.withLock { $0.marks }
            let back = dashboard.state.withLock { $0.connections.last! }
            let due = door.marks.filter { mark in index < 2 || door.state.withLock { $0.acknowledgedAt[mark.eventId]! } > back }
            let missed = due.filter { heard[$0.studentId] == nil }
            #expect(missed.isEmpty, "dashboard \(index + 1) of \(door.deviceId) missed \(missed.count) of \(due.count) marks")
            print("cluster: dashboard \(index + 1) of \(door.deviceId) (on instance \(holders[door.deviceId]!) at first) heard \(heard.count) of \(door.marks.count) marks")
        }
    }

    /// Ten schools of thirty registered doors, each door with six students to mark.
    static func district(in stores: BackendStores) async throws -> [SimulatedDoor] {
        var doors: [SimulatedDoor] = []
        for school in 0..<schools {
            let organization = try await stores.roster.addOrganization(name: "District school \(school)")
            for number in 0..<doorsPerSchool {
                let id = "door-\(school)-\(number)"
                let secret = try await stores.devices.register(id: id, organizationId: organization.id, name: id)
                var marks: [(eventId: String, studentId: String)] = []
                for mark in 0..<marksPerDoor {
                    let student = try await stores.roster.addStudent(organizationId: organization.id, name: "Pupil \(school)-\(number)-\(mark)",
                                                                     enrollmentNo: "P\(school)-\(number)-\(mark)")
                    marks.append(("evt-\(id)-\(mark)", student.id))
                }
                doors.append(SimulatedDoor(deviceId: id, organizationId: organization.id, secret: secret, marks: marks))
            }
        }
        return doors
    }
}

/// A value the scenario's tasks share.
final class Shared<Value: Sendable>: Sendable {
    private let state: Mutex<Value>
    init(_ value: Value) { state = Mutex(value) }
    var value: Value {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
