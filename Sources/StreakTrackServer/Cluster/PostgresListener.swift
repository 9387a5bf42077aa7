import BackendStore
import Logging
import ServiceLifecycle

/// Hears one PostgreSQL channel until shutdown, on a connection of its own, reconnecting
/// (after 1 s, doubling to 30 s) whenever that connection fails.
struct PostgresListener: Sendable {
    let database: PostgresDatabase
    let channel: String
    let logger: Logger

    /// `hearing(true)` once listening (whatever was said before is lost: catch up then),
    /// `hearing(false)` when the connection is gone; `received` gets each payload.
    func run(hearing: @escaping @Sendable (Bool) async -> Void, received: @escaping @Sendable (String) async -> Void) async {
        var delay: Duration = .seconds(1)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await database.listen(on: channel, listening: { await hearing(true) }, received: received)
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { break }
                logger.warning("not hearing \(channel) from PostgreSQL (\(error)); trying again in \(delay)")
            }
            await hearing(false)
            await sleepUnlessStopping(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
        await hearing(false)
    }
}

/// Waits `duration`, or less when the server begins to stop: a background loop must not
/// hold a stopping server up for its whole interval.
func sleepUnlessStopping(for duration: Duration) async {
    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
}
