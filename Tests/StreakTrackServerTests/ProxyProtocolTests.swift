import NIOCore
@testable import StreakTrackServer
import Testing

/// The PROXY protocol v2 header as HAProxy sends it, and what a balancer (or
/// someone posing as one) might send instead. HAProxy itself is in `BalancerTests`.
@Suite("PROXY protocol")
struct ProxyProtocolTests {
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    func parse(_ bytes: [UInt8]) throws -> (ProxyProtocolDecoder.Header, consumed: Int)? {
        try ProxyProtocolDecoder.parse(ByteBuffer(bytes: bytes))
    }

    @Test func addressesTLSAndWhatFollowsTheHeader() throws {
        let v4: [UInt8] = Self.signature + [0x21, 0x11, 0x00, 0x14, 198, 51, 100, 7, 127, 0, 0, 1, 0xC3, 0x50, 0x01, 0xBB,
                                            0x20, 0x00, 0x05, 0x01, 0, 0, 0, 0]
        let parsed = try #require(try parse(v4 + Array("GET / HTTP/1.1\r\n".utf8)))
        #expect(parsed.0 == .proxied(address: "198.51.100.7", viaTLS: true) && parsed.consumed == v4.count)
        let plainTLV: [UInt8] = Self.signature + [0x21, 0x11, 0x00, 0x0C, 10, 1, 2, 3, 127, 0, 0, 1, 0, 80, 0, 80]
        #expect(try parse(plainTLV)?.0 == .proxied(address: "10.1.2.3", viaTLS: false))
        var v6 = Self.signature + [0x21, 0x21, 0x00, 0x24]
        v6 += [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [0x09] + [UInt8](repeating: 0, count: 15) + [1] + [0, 80, 0, 80]
        #expect(try parse(v6)?.0 == .proxied(address: "2001:db8::9", viaTLS: false))
        #expect(try parse(Self.signature + [0x20, 0x00, 0x00, 0x00])?.0 == .local, "a health check speaks for the balancer")
    }

    @Test func noHeaderPartialHeadersAndMalformedOnes() throws {
        #expect(try parse(Array("GET / HTTP/1.1\r\n".utf8))?.0 == .absent)
        #expect(try parse(Array(Self.signature.prefix(7))) == nil, "more bytes needed to tell")
        #expect(try parse(Self.signature + [0x21, 0x11, 0x00, 0x0C, 10, 1]) == nil, "more bytes needed for the addresses")
        #expect(throws: ProxyProtocolDecoder.Malformed.version(1)) { try parse(Self.signature + [0x11, 0x11, 0x00, 0x00]) }
        #expect(throws: ProxyProtocolDecoder.Malformed.command(2)) { try parse(Self.signature + [0x22, 0x11, 0x00, 0x00]) }
        #expect(throws: ProxyProtocolDecoder.Malformed.tooLong(0xFFFF)) { try parse(Self.signature + [0x21, 0x11, 0xFF, 0xFF]) }
        #expect(throws: ProxyProtocolDecoder.Malformed.addressesTooShort) { try parse(Self.signature + [0x21, 0x11, 0x00, 0x02, 1, 2]) }
        #expect(throws: ProxyProtocolDecoder.Malformed.tlvOverrun) {
            try parse(Self.signature + [0x21, 0x11, 0x00, 0x0F, 10, 1, 2, 3, 127, 0, 0, 1, 0, 80, 0, 80, 0x20, 0x00, 0x09])
        }
    }

    @Test func trustedBalancersByAddressOrBlock() throws {
        let block = try #require(AddressRange("10.0.0.0/8"))
        #expect(block.contains("10.200.3.4") && !block.contains("11.0.0.1") && !block.contains("::1"))
        #expect(block.contains("::ffff:10.0.0.9"), "an IPv4 client written as IPv6")
        let one = try #require(AddressRange("127.0.0.1"))
        #expect(one.contains("127.0.0.1") && !one.contains("127.0.0.2"))
        let v6 = try #require(AddressRange("2001:db8::/32"))
        #expect(v6.contains("2001:db8:1::5") && !v6.contains("2001:db9::1"))
        #expect(AddressRange("10.0.0.0/33") == nil && AddressRange("not an address") == nil && AddressRange("10.0.0.0/") == nil)
    }
}
