import Logging
import StreakTrackLogging

/// Log lines about what a peer did wrong, held to a few per peer and interval
/// (`LogLimiter`); lines held back are counted in the next one.
struct PeerLog: Sendable {
    let logger: Logger
    let limiter: LogLimiter

    func warning(from source: String, _ message: @autoclosure () -> String) {
        log(.warning, from: source, message())
    }

    func notice(from source: String, _ message: @autoclosure () -> String) {
        log(.notice, from: source, message())
    }

    func info(from source: String, _ message: @autoclosure () -> String) {
        log(.info, from: source, message())
    }

    private func log(_ level: Logger.Level, from source: String, _ message: @autoclosure () -> String) {
        guard logger.logLevel <= level, case .write(let heldBack) = limiter.admit(source) else { return }
        let text = message()
        logger.log(level: level, "\(heldBack > 0 ? text + " (\(heldBack) more lines from \(source) held back)" : text)")
    }
}
