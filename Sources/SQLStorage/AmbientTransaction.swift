/// The transaction the current task is inside of, per database. While a task runs
/// a transaction's body, every statement it sends to that database — through any
/// store — goes into the transaction, and a transaction begun inside it joins it.
/// That is what lets one operation make a change through one store and write its
/// audit entry through another, committed together or not at all.
public enum AmbientTransaction {
    struct Current: Sendable {
        let database: ObjectIdentifier
        let executor: any SQLExecutor
    }

    @TaskLocal static var current: Current?

    /// The executor of the transaction this task is inside of on `database`, if any.
    public static func executor(of database: AnyObject) -> (any SQLExecutor)? {
        guard let current, current.database == ObjectIdentifier(database) else { return nil }
        return current.executor
    }

    /// Runs `body` with `executor` as the ambient transaction of `database`.
    public static func run<Result>(on database: AnyObject, executor: any SQLExecutor,
                            _ body: () async throws -> Result) async throws -> Result {
        try await $current.withValue(Current(database: ObjectIdentifier(database), executor: executor)) { try await body() }
    }
}
