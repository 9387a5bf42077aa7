import BackendStore
import Foundation
import Logging

/// The two kinds of store every backend test runs against.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// Where a fresh, empty store goes: a new SQLite directory, or a new schema on the test PostgreSQL server.
    public func freshLocation() throws -> BackendStores.Location {
        switch self {
        case .sqlite:
            return .sqlite(dataDirectory: try Fixtures.scratchDirectory())
        case .postgres:
            guard let url = ProcessInfo.processInfo.environment["STREAKTRACK_TEST_POSTGRES_URL"], !url.isEmpty else {
                throw SQLError("STREAKTRACK_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
            }
            let schema = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            return .postgres(url: url, schema: schema)
        }
    }

    public func openFresh() async throws -> BackendStores {
        try await BackendStores.open(freshLocation(), logger: Logger(label: "test.store"))
    }
}
