import SQLStorage
import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// PostgreSQL through postgres-nio's connection pool.
public final class PostgresDatabase: SQLDatabase {
    public let dialect = SQLDialect.postgres
    private let client: PostgresClient
    private let target: PostgresTarget
    private let schema: String?
    private let runner: Task<Void, Never>
    private let logger: Logger
    /// How long a statement may wait for a connection before PostgreSQL counts as
    /// unreachable. The pool itself would keep a request waiting about a minute
    /// while it retries; a prompt "unavailable" is more use to a caller, and a
    /// device simply sends an unacknowledged mark again.
    private let connectionWait: Duration

    /// Connects to `url` (`postgres://user:password@host:port/database`); with
    /// `schema`, every table lives in that schema (created when missing), which
    /// lets tests share one server without meeting each other's rows.
    /// `connect_timeout=N` in the URL (seconds, as libpq reads it; default 10)
    /// bounds both a connection attempt and a statement's wait for a connection.
    public static func connect(url: String, schema: String? = nil, logger: Logger) async throws -> PostgresDatabase {
        let target = try PostgresTarget(url: url)
        // The pool starts first, so it is running by the time a statement needs it.
        let database = PostgresDatabase(target: target, schema: schema, logger: logger)
        // The pool retries a refused or rejected connection, which would leave a
        // server with a wrong URL, a stopped PostgreSQL or a missing database
        // waiting in silence: one direct connection first fails at once (or after
        // the connect time-out) with the reason.
        do {
            let probe = try await PostgresConnection.connect(configuration: try target.connectionConfiguration, id: 0, logger: logger)
            try await probe.close()
        } catch {
            await database.close()
            throw SQLError("cannot reach PostgreSQL: \(Self.describe(error))")
        }
        do {
            if let schema {
                // Two servers creating one schema at once would collide in the catalogue: one at a time.
                try await database.transaction { sql in
                    try await lockSchema(sql, named: schema)
                    try await sql.query("CREATE SCHEMA IF NOT EXISTS \(Self.quoted(schema))")
                }
            }
            try await database.query("SELECT 1")
        } catch {
            await database.close()
            throw SQLError("cannot use PostgreSQL: \(Self.describe(error))")
        }
        return database
    }

    /// Listens on `channel` on a connection of its own (the pool's are shared) and hands each
    /// notification's payload to `received`, until the task is cancelled or the connection
    /// fails (then it throws; the caller reconnects). `listening` is called once the LISTEN is in place.
    public func listen(on channel: String, listening: @Sendable () async -> Void,
                       received: @Sendable (String) async -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: try target.connectionConfiguration, id: 1, logger: logger)
        do {
            try await connection.listen(on: channel) { notifications in
                await listening()
                for try await notification in notifications { await received(notification.payload) }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    /// A NOTIFY channel of this database's schema: servers on other schemas of the same
    /// database (tests side by side) do not hear each other.
    public func channel(_ name: String) -> String {
        schema.map { "\(name)_\($0)" } ?? name
    }

    /// Holds, until the transaction ends, the lock that serialises changes to a schema's
    /// structure (its creation, migrations) among every server on the database.
    static func lockSchema(_ sql: any SQLExecutor, named schema: String? = nil) async throws {
        // Two keys: StreakTrack's ("STRK"), and the schema's name hashed.
        if let schema {
            try await sql.query("SELECT count(*) AS locked FROM (SELECT pg_advisory_xact_lock(1398035019, hashtext(?))) AS l", .text(schema))
        } else {
            try await sql.query("SELECT count(*) AS locked FROM (SELECT pg_advisory_xact_lock(1398035019, hashtext(current_schema()))) AS l")
        }
    }

    private init(target: PostgresTarget, schema: String?, logger: Logger) {
        self.target = target
        self.schema = schema
        var configuration = target.clientConfiguration
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        configuration.options.maximumConnections = 10
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        connectionWait = .seconds(target.connectTimeout)
        runner = Task { await client.run() }
    }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        // Inside a transaction of this task's: on its connection, part of it.
        if let transaction = AmbientTransaction.executor(of: self) { return try await transaction.query(sql, arguments) }
        let statement = Self.statement(sql, arguments), logger = logger
        return try await withConnection { connection in
            try await Self.collect(connection.query(statement, logger: logger))
        }
    }

    public func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        // Begun inside another: joins it (committed, or rolled back, with it).
        if let outer = AmbientTransaction.executor(of: self) { return try await body(outer) }
        let logger = logger
        return try await withoutActuallyEscaping(body) { body in
            do {
                return try await withConnection { connection in
                    try await connection.withTransaction(logger: logger) { connection in
                        let executor = ConnectionExecutor(connection: connection, logger: logger)
                        return try await AmbientTransaction.run(on: self, executor: executor) { try await body(executor) }
                    }
                }
            } catch let error as PostgresTransactionError {
                // The caller's own error (a conflict, say) matters more than the wrapping.
                throw error.closureError ?? error
            }
        }
    }

    /// Runs `work` on a pooled connection, or throws `DatabaseUnavailable` when
    /// none is to be had within `connectionWait` (or the pool gives up sooner).
    private func withConnection<Result: Sendable>(_ work: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let client = client, wait = connectionWait
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                do {
                    return try await client.withConnection { connection in
                        leased.set()
                        return try await work(connection)
                    }
                } catch where !leased.isSet || Self.isConnectionFailure(error) {
                    throw DatabaseUnavailable(Self.describe(error))
                }
            }
            group.addTask {
                try await Task.sleep(for: wait)
                guard leased.isSet else { throw DatabaseUnavailable("no connection to PostgreSQL within \(wait)") }
                return nil
            }
            while let outcome = try await group.next() {
                if let result = outcome {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }

    /// A connection that broke in the middle of a statement.
    private static func isConnectionFailure(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError else { return false }
        return [.connectionError, .serverClosedConnection, .clientClosedConnection].contains(psql.code)
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    private struct ConnectionExecutor: SQLExecutor {
        let connection: PostgresConnection
        let logger: Logger

        func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
            try await PostgresDatabase.collect(connection.query(PostgresDatabase.statement(sql, arguments), logger: logger))
        }
    }

    /// `?` placeholders become `$1`, `$2`, ...
    static func statement(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        var text = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: binds.appendNull()
            case .integer(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    static func collect(_ sequence: PostgresRowSequence) async throws -> [SQLRow] {
        var rows: [SQLRow] = []
        for try await row in sequence {
            var columns: [String] = []
            var values: [SQLValue] = []
            for cell in row {
                columns.append(cell.columnName)
                values.append(try value(of: cell))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    private static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }

    static func describe(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        if let underlying = psql.underlying { return "\(underlying)" }
        return "\(psql.code)"
    }
}

/// Where a `postgres://user:password@host:port/database?sslmode=…` URL points,
/// as the pool and a single connection each want it.
private struct PostgresTarget {
    let host: String
    let port: Int
    let user: String
    let password: String?
    let database: String?
    let sslMode: String
    /// Seconds, from `connect_timeout` as libpq reads it.
    let connectTimeout: Int

    init(url: String) throws {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
              let host = parts.host, let user = parts.user
        else {
            throw SQLError("not a PostgreSQL URL (postgres://user:password@host:port/database): \(PostgresDatabase.redacted(url))")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        self.host = host
        port = parts.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        password = parts.password?.removingPercentEncoding
        self.database = database.isEmpty ? nil : database
        sslMode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        connectTimeout = parts.queryItems?.first { $0.name == "connect_timeout" }?.value.flatMap { Int($0) }.map { max(1, $0) } ?? 10
    }

    /// `sslmode`: nil for `disable`; otherwise whether TLS is required (`require`,
    /// `verify-full`) or only preferred (anything else, libpq's default).
    private var tls: (configuration: TLSConfiguration, required: Bool)? {
        sslMode == "disable" ? nil : (.makeClientConfiguration(), ["require", "verify-full"].contains(sslMode))
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = self.tls.map { $0.required ? .require($0.configuration) : .prefer($0.configuration) } ?? .disable
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        return configuration
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            let tls: PostgresConnection.Configuration.TLS = try self.tls.map {
                let context = try NIOSSLContext(configuration: $0.configuration)
                return $0.required ? .require(context) : .prefer(context)
            } ?? .disable
            var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
            configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
            return configuration
        }
    }
}

/// Whether a statement got its connection (after which it is no longer timed).
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}
