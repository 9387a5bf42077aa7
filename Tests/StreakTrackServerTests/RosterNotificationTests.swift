import BackendStore
import Foundation
import TestSupport
import Testing

/// A roster change made by another process on the same PostgreSQL database (the
/// command line, another instance) reaches this server's devices at once:
/// PostgreSQL announces it (a trigger's NOTIFY), no poll needed.
@Suite("Roster changes announced by PostgreSQL")
struct RosterNotificationTests {
    @Test func aChangeByAnotherProcessReachesTheDeviceWithoutWaitingForAPoll() async throws {
        let location = try StoreKind.postgres.freshLocation()
        // A poll of a minute: only the announcement can be this quick.
        let server = try await RunningServer.start(.postgres) {
            $0.store = location
            $0.rosterPollInterval = .seconds(60)
        }
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let secret = try await server.register(device: "door-1", organization: school.id)
        let device = try await server.device("door-1", organization: school.id, secret: secret)
        _ = try await device.next()  // the roster as it is

        let elsewhere = try await BackendStores.open(location)
        defer { Task { await elsewhere.database.close() } }
        // The server began listening as it started; give a first announcement a moment to be heard at all.
        var heard: String?
        let started = ContinuousClock.now
        for attempt in 1...3 where heard == nil {
            _ = try await elsewhere.roster.addStudent(organizationId: school.id, name: "Asha Verma \(attempt)", enrollmentNo: "\(attempt)")
            heard = try? await device.next(containing: "Asha Verma \(attempt)", timeout: .seconds(3))
        }
        let text = try #require(heard, "the device heard of the new student within seconds, with a poll of a minute")
        #expect(text.hasPrefix(#"{"students":["#), "a roster message, as PROTOCOL.md gives it")
        print("roster change by another process reached the device in \(ContinuousClock.now - started)")
        await device.close()
        // Stopping ends the listening connection too: the server's task returns.
        let stopping = ContinuousClock.now
        await server.stop()
        #expect(ContinuousClock.now - stopping < .seconds(10), "stopped in \(ContinuousClock.now - stopping)")
    }
}
