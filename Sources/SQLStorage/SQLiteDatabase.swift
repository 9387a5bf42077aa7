import CSQLite
import Dispatch
import Foundation
import Synchronization

/// SQLite through its C API: one connection, WAL, full sync on commit (an
/// acknowledged mark must survive a power cut), foreign keys on.
///
/// Statements run on a thread of their own: a long report or a commit's fsync
/// blocks its thread, and Swift's cooperative threads (one per core, two on a
/// Raspberry Pi) serve every connection.
public final class SQLiteDatabase: SQLDatabase {
    public let dialect = SQLDialect.sqlite
    public let path: String

    /// The connection; every use holds `lock`, so one task at a time touches it.
    private nonisolated(unsafe) let connection: OpaquePointer
    private let lock = AsyncLock()
    private let closed = Mutex(false)
    private let worker = DispatchQueue(label: "streaktrack.sqlite")

    public init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK, let handle else {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw SQLError("cannot open SQLite database \(path): \(reason)")
        }
        connection = handle
        self.path = path
        // Faces, secrets and marks: the owner's only. SQLite gives its journal files
        // the database file's permissions, so restricting the database covers them.
        for file in [path, path + "-wal", path + "-shm"] { chmod(file, 0o600) }
        sqlite3_busy_timeout(handle, 5000)
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"] {
            _ = try Self.run(handle, pragma, [])
        }
    }

    deinit { sqlite3_close_v2(connection) }

    public func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        // Inside a transaction of this task's: part of it (the lock is the transaction's).
        if let transaction = AmbientTransaction.executor(of: self) { return try await transaction.query(sql, arguments) }
        return try await lock.withLock { try await self.onWorker(sql, arguments) }
    }

    public func transaction<Result: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> Result) async throws -> Result {
        // Begun inside another: joins it (committed, or rolled back, with it).
        if let outer = AmbientTransaction.executor(of: self) { return try await body(outer) }
        return try await lock.withLock {
            _ = try await onWorker("BEGIN IMMEDIATE", [])
            do {
                let transaction = Transaction(database: self)
                let result = try await AmbientTransaction.run(on: self, executor: transaction) { try await body(transaction) }
                _ = try await onWorker("COMMIT", [])
                return result
            } catch {
                _ = try? await onWorker("ROLLBACK", [])
                throw error
            }
        }
    }

    /// One statement on the database's own thread (the caller holds `lock`).
    private func onWorker(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try await withCheckedThrowingContinuation { continuation in
            worker.async { continuation.resume(with: Result { try self.runChecked(sql, arguments) }) }
        }
    }

    public func close() async {
        await lock.withLock { closed.withLock { $0 = true } }
    }

    /// Statements inside a transaction: the lock is already held.
    private struct Transaction: SQLExecutor {
        let database: SQLiteDatabase

        func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
            try await database.onWorker(sql, arguments)
        }
    }

    private func runChecked(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        guard !closed.withLock({ $0 }) else { throw SQLError("the SQLite database \(path) is closed") }
        return try Self.run(connection, sql, arguments)
    }

    private static func run(_ db: OpaquePointer, _ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw SQLError("SQLite: \(String(cString: sqlite3_errmsg(db))) in: \(sql)")
        }
        defer { sqlite3_finalize(statement) }
        for (i, argument) in arguments.enumerated() {
            let position = Int32(i + 1)
            let status: Int32 = switch argument {
            case .null: sqlite3_bind_null(statement, position)
            case .integer(let value): sqlite3_bind_int64(statement, position, value)
            case .text(let value): sqlite3_bind_text(statement, position, value, -1, csqlite_transient())
            case .blob(let bytes): bytes.withUnsafeBytes {
                sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), csqlite_transient())
            }
            }
            guard status == SQLITE_OK else { throw SQLError("SQLite: cannot bind argument \(position): \(String(cString: sqlite3_errmsg(db)))") }
        }
        let columnCount = sqlite3_column_count(statement)
        let columns = (0..<columnCount).map { String(cString: sqlite3_column_name(statement, $0)) }
        var rows: [SQLRow] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                throw SQLError("SQLite: \(String(cString: sqlite3_errmsg(db))) in: \(sql)")
            }
            let values: [SQLValue] = (0..<columnCount).map { column in
                switch sqlite3_column_type(statement, column) {
                case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, column))
                case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, column)))
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, column))
                    guard count > 0, let base = sqlite3_column_blob(statement, column) else { return .blob([]) }
                    return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
                case SQLITE_FLOAT: return .integer(Int64(sqlite3_column_double(statement, column)))
                default: return .null
                }
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }
}
