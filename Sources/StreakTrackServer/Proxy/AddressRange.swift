#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An address block in CIDR form (`10.0.0.0/8`, `2001:db8::/32`, or one address):
/// the balancers allowed to say who their clients are.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    private let bytes: [UInt8]
    private let prefixLength: Int
    public let description: String

    /// nil when `text` is not an IPv4 or IPv6 address with an optional prefix length.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let length: Int
        if parts.count == 2 {
            guard let given = Int(parts[1]), given >= 0, given <= bytes.count * 8 else { return nil }
            length = given
        } else {
            length = bytes.count * 8
        }
        self.bytes = bytes
        prefixLength = length
        description = text
    }

    /// Whether `address` (as NIO writes it: `127.0.0.1`, `::1`) lies in the block. An IPv4
    /// address written as IPv6 (`::ffff:10.0.0.1`) is compared as IPv4.
    public func contains(_ address: String) -> Bool {
        guard var other = Self.bytes(of: address) else { return false }
        if other.count == 16, bytes.count == 4, other.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            other = Array(other.suffix(4))
        }
        guard other.count == bytes.count else { return false }
        var left = prefixLength
        for (mine, theirs) in zip(bytes, other) where left > 0 {
            let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
            guard mine & mask == theirs & mask else { return false }
            left -= 8
        }
        return true
    }

    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
