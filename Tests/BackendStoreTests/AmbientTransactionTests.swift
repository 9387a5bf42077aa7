import BackendStore
import Foundation
import SQLStorage
import TestSupport
import Testing

/// A transaction that statements join from any store: what lets an operation make a
/// change through one store and write its audit entry through another, committed
/// together or not at all.
@Suite("Ambient transactions")
struct AmbientTransactionTests {
    struct Refused: Error {}

    @Test(arguments: StoreKind.allCases)
    func storesJoinTheTransactionTheirTaskIsIn(kind: StoreKind) async throws {
        let stores = try await kind.openFresh()
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        // A class (whose store begins a transaction of its own inside) and an audit entry, then a failure: neither is kept.
        await #expect(throws: Refused.self) {
            try await stores.database.transaction { _ in
                let added = try await stores.classes.add(organizationId: school.id, name: "10A")
                try await stores.classes.setStudents([], of: added.id)
                try await stores.audit.record(organizationId: school.id, actor: "test", action: .classAdd, target: added.id)
                throw Refused()
            }
        }
        #expect(try await stores.classes.classes(organizationId: school.id).isEmpty)
        #expect(try await stores.audit.entries(organizationId: school.id).isEmpty)
        // Without a failure, both are there; and statements outside a transaction still run (no lock left held).
        let kept = try await stores.database.transaction { _ in
            let added = try await stores.classes.add(organizationId: school.id, name: "10A")
            try await stores.audit.record(organizationId: school.id, actor: "test", action: .classAdd, target: added.id)
            return added
        }
        #expect(try await stores.classes.classes(organizationId: school.id).map(\.id) == [kept.id])
        #expect(try await stores.audit.entries(organizationId: school.id).map(\.target) == [kept.id])
        // Two tasks at once, each in its own transaction: each sees only its own.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in ["11A", "11B"] {
                group.addTask {
                    try await stores.database.transaction { _ in
                        let added = try await stores.classes.add(organizationId: school.id, name: name)
                        try await stores.audit.record(organizationId: school.id, actor: "test", action: .classAdd, target: added.id)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await stores.classes.classes(organizationId: school.id).count == 3)
        #expect(try await stores.audit.entries(organizationId: school.id).count == 3)
        await stores.database.close()
    }
}
