import Crypto
import StreakTrackProtocol

extension PhotoUpload {
    /// The photo's SHA-256: its identity (the same photo uploaded twice is one photo).
    public var sha256: String { SHA256.hash(data: bytes).hexadecimal }
}
