import BackendStore
import Foundation
import StreakTrackServer
import TestSupport
import Testing

/// One place for who may act and what a change writes: the REST API and the command
/// line call the same operation, which checks access against the organization of the
/// thing acted on and commits the change with its audit entry.
@Suite("Operations")
struct OperationsTests {
    /// A change that fails half-way (the name set, then an unknown student) leaves
    /// neither the half-change nor an audit entry behind.
    @Test(arguments: StoreKind.allCases)
    func aChangeAndItsAuditEntryCommitTogetherOrNotAtAll(kind: StoreKind) async throws {
        let stores = try await kind.openFresh()
        defer { Task { await stores.database.close() } }
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        let operations = Operations(stores: stores)
        let tenA = try await operations.addClass(named: "10A", in: school.id, by: .commandLine)
        await #expect(throws: (any Error).self) {
            _ = try await operations.changeClass(tenA.id, Operations.ClassChange(name: "11A", studentIds: ["no-such-student"]), by: .commandLine)
        }
        #expect(try await stores.classes.schoolClass(tenA.id)?.name == "10A", "the name set before the failure is rolled back")
        #expect(try await stores.audit.entries(organizationId: school.id).map(\.action) == ["class.add"])
        let changed = try await operations.changeClass(tenA.id, Operations.ClassChange(name: "11A"), by: .commandLine)
        #expect(changed.name == "11A")
        let entries = try await stores.audit.entries(organizationId: school.id)
        #expect(entries.map(\.action) == ["class.change", "class.add"] && entries.allSatisfy { $0.actor == "command line" && $0.address == nil })
    }

    /// The same action from the dashboard's API and from the command line: one rule, one entry.
    @Test func theAPIAndTheCommandLineWriteTheSameEntry() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let other = try await server.stores.roster.addOrganization(name: "Shelbyville High")
        let head = try await server.stores.users.add(organizationId: school.id, login: "head", name: "Head", role: .admin,
                                                     password: "correct horse battery staple")
        let session = try await SessionClient.signIn(server, login: "head", password: "correct horse battery staple")
        #expect(try await session.request("POST", "/api/classes", json: ["name": "10A"]).status == 201)
        _ = try await Operations(stores: server.stores).addClass(named: "10B", in: school.id, by: .commandLine)
        let entries = try await server.stores.audit.entries(organizationId: school.id)
        #expect(entries.map(\.action) == ["class.add", "class.add"])
        #expect(entries.map(\.actor) == ["command line", "user:head"])
        #expect(entries.map(\.address) == [nil, "127.0.0.1"])
        // A person of one school acting on another's class: refused by the operation itself, whatever the front end.
        let theirs = try await Operations(stores: server.stores).addClass(named: "9C", in: other.id, by: .commandLine)
        await #expect(throws: APIError.self) {
            try await Operations(stores: server.stores).removeClass(theirs.id, by: .person(head, csrf: ""))
        }
        #expect(try await session.request("DELETE", "/api/classes/\(theirs.id)").status == 403)
        #expect(try await server.stores.classes.schoolClass(theirs.id) != nil)
    }
}
