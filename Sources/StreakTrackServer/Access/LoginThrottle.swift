import BackendStore
import Foundation
import StreakTrackLogging

/// Guessing slowed down, for every way a password is tried (signing in, changing
/// one's password). Each attempt is counted before its password is checked, so
/// guesses sent at once are held to the same limit as guesses sent one by one.
/// The limits are per login *and* address, then per address, then per login from
/// every address together: a stranger who guesses at a teacher's login is held
/// back without locking the teacher out (OWASP's advice against account lock-out
/// as a denial of service).
struct LoginThrottle: Sendable {
    let sessions: SessionStore
    let limits: ServerConfiguration.Limits
    let log: PeerLog

    /// Counts an attempt at `login` from `address`; 429 when past a limit (the attempt
    /// still counts, so hammering on keeps the wait going). The attempt, to `succeeded` with.
    func attempt(login: String, from address: String) async throws -> String {
        let window = limits.loginThrottleWindow
        let counts = try await sessions.countAttempt(login: login, address: address,
                                                     since: Date().addingTimeInterval(-TimeInterval(window.components.seconds)))
        guard counts.pair <= limits.maxLoginFailuresPerAccountAndAddress, counts.fromAddress <= limits.maxLoginFailuresPerAddress,
              counts.forLogin <= limits.maxLoginFailuresPerAccount
        else {
            log.warning(from: address, "throttled attempts at \(login.cutForLog()) from \(address): \(counts.pair) for it from there, \(counts.fromAddress) from there, \(counts.forLogin) for it in all")
            throw APIError(.tooManyRequests, "too many failed attempts: try again in \(window.components.seconds / 60) minutes")
        }
        return counts.attempt
    }

    /// The password was right: this attempt stops counting (earlier failures count on
    /// until they leave the window, so a right password never resets the limit).
    func succeeded(_ attempt: String) async throws {
        try await sessions.forget(attempt: attempt)
    }
}
