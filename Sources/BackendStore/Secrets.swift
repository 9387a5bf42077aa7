import Crypto
import Foundation
import StreakTrackProtocol

/// Device secrets and admin tokens: made from the system's random source, kept
/// only as SHA-256 hashes, and compared in constant time.
public enum Secrets {
    /// 32 random bytes as 64 hexadecimal digits.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexadecimal
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexadecimal
    }

    /// Equal texts, in a time that depends only on their length.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
