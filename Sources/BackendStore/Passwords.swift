import Dispatch
import HummingbirdBcrypt

/// Passwords, kept as bcrypt hashes. Hashing is slow on purpose (a stolen
/// database must not give up its passwords), so it runs on a thread of its own,
/// never on Swift's few cooperative threads that serve every connection.
public enum Passwords {
    /// 2^11 rounds: about a tenth of a second on the build machine, a few tenths on a Raspberry Pi.
    static let cost: UInt8 = 11
    public static let minimumLength = 10
    /// bcrypt reads only the first 72 bytes; a longer password would silently lose its end.
    public static let maximumBytes = 72

    /// Why `password` cannot be used, or nil.
    public static func problem(_ password: String) -> String? {
        if password.count < minimumLength { return "a password needs at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes { return "a password may have at most \(maximumBytes) bytes" }
        if CommonPasswords.contains(password) {
            return "this password is among the 20,000 most common ones, which attackers try first: choose another"
        }
        if Set(password.lowercased()).count < 4 { return "a password needs at least 4 different characters" }
        return nil
    }

    /// A password that passed the rules, hashed: made before a transaction, which must
    /// not wait a tenth of a second for bcrypt while it holds the database.
    public struct Hashed: Sendable {
        let value: String

        public init(_ password: String) async throws {
            if let problem = Passwords.problem(password) { throw StoreError(.invalid, problem) }
            value = await Passwords.hash(password)
        }

        /// A person added without a password (they choose one through a link): nil.
        public static func ifGiven(_ password: String?) async throws -> Hashed? {
            guard let password else { return nil }
            return try await Hashed(password)
        }
    }

    public static func hash(_ password: String) async -> String {
        await offPool { Bcrypt.hash(password, cost: cost) }
    }

    public static func verify(_ password: String, hash: String) async -> Bool {
        await offPool { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of nothing anybody knows, verified when a login names nobody, so that
    /// "no such user" takes as long as "wrong password" (no guessing logins by time).
    static let decoy = Bcrypt.hash("streaktrack decoy password", cost: cost)

    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
