import Foundation

/// Another host on this machine: a network namespace with its own interfaces,
/// joined to this one by a veth pair (this side `hostAddress`, that side
/// `address`, default route through this side). Programs run in it see only
/// that network, so a device there reaches a server here as it would across a LAN.
public final class NetworkNamespace: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let name: String
    private let ip: String
    /// This machine's address as the other host sees it.
    public let hostAddress: String
    public let address: String

    public static func create() async throws -> NetworkNamespace {
        guard let ip = which("ip") ?? ["/usr/sbin/ip", "/sbin/ip"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(description: "iproute2's ip is needed (apt-get install iproute2)")
        }
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 16)
        let subnet = "10.\(Int.random(in: 64...127)).\(Int.random(in: 0...255))"
        let namespace = NetworkNamespace(name: "st-\(tag)", ip: ip, hostAddress: "\(subnet).1", address: "\(subnet).2")
        let here = "st\(tag)h", there = "st\(tag)d"
        let steps: [[String]] = [
            ["netns", "add", namespace.name],
            ["link", "add", here, "type", "veth", "peer", "name", there],
            ["link", "set", there, "netns", namespace.name],
            ["addr", "add", "\(namespace.hostAddress)/30", "dev", here],
            ["link", "set", here, "up"],
            ["-n", namespace.name, "addr", "add", "\(namespace.address)/30", "dev", there],
            ["-n", namespace.name, "link", "set", there, "up"],
            ["-n", namespace.name, "link", "set", "lo", "up"],
            ["-n", namespace.name, "route", "add", "default", "via", namespace.hostAddress],
        ]
        for step in steps {
            let result = try await runProcess(ip, step)
            guard result.status == 0 else {
                namespace.delete()
                throw Failure(description: "ip \(step.joined(separator: " ")): \(result.stderr)")
            }
        }
        return namespace
    }

    private init(name: String, ip: String, hostAddress: String, address: String) {
        self.name = name
        self.ip = ip
        self.hostAddress = hostAddress
        self.address = address
    }

    /// Runs a program on the other host, to completion.
    public func run(_ executable: String, _ arguments: [String]) async throws -> ProcessOutput {
        try await runProcess(ip, ["netns", "exec", name, executable] + arguments)
    }

    /// Removes the namespace and with it both ends of the veth pair; at once,
    /// so that a `defer` leaves nothing behind when the test process ends.
    public func delete() {
        _ = try? runProcessBlocking(ip, ["netns", "delete", name])
    }
}
