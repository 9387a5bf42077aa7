/// The little SQL the stores need, written once for both databases: statements
/// use `?` placeholders and the common subset of SQLite and PostgreSQL
/// (`ON CONFLICT ... DO NOTHING`, `RETURNING`).
public protocol SQLExecutor: Sendable {
    /// Runs a statement and returns its rows (none for most writes).
    @discardableResult
    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow]
}

public protocol SQLDatabase: SQLExecutor {
    var dialect: SQLDialect { get }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result

    func close() async
}

public enum SQLDialect: String, Sendable {
    case sqlite, postgres

    /// The column type for bytes.
    public var blobType: String { self == .sqlite ? "BLOB" : "BYTEA" }

    /// A column that numbers rows as they are inserted.
    public var autoIncrementKey: String { self == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY" }
}

extension SQLExecutor {
    @discardableResult
    public func query(_ sql: String, _ arguments: SQLValue...) async throws -> [SQLRow] {
        try await query(sql, arguments)
    }
}
