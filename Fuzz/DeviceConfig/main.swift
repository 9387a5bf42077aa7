// libFuzzer entry for config.json: what a person (or a broken SD card) writes into a
// device's configuration must become a clear problem naming the file and the key,
// or a configuration the agent can use as it is. Compiled into the module with the
// protocol's sources and AgentConfiguration.swift (scripts/fuzz).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // As AgentConfiguration.load reads the file, without the file.
    guard let object = try? JSONSerialization.jsonObject(with: Data(bytes: data, count: size)) as? [String: Any] else { return 0 }
    let configuration: AgentConfiguration
    do {
        configuration = try AgentConfiguration.parse(object, file: "config.json", directory: "/etc/streaktrack")
    } catch {
        guard error.description.hasPrefix("config.json: ") else { fatalError("a problem that does not name the file: \(error)") }
        return 0
    }
    guard configuration.tolerance > 0, configuration.tolerance < 1 else { fatalError("tolerance \(configuration.tolerance) accepted") }
    guard ["ws", "wss"].contains(configuration.websiteURL.scheme) else { fatalError("scheme of \(configuration.websiteURL) accepted") }
    if configuration.deviceSecret != nil, configuration.websiteURL.scheme == "ws", !configuration.allowPlaintextSecret,
       !["localhost", "127.0.0.1", "::1", "[::1]"].contains(configuration.websiteURL.host?.lowercased() ?? ""),
       !(configuration.websiteURL.host ?? "").hasPrefix("127.") {
        fatalError("a secret accepted for plain ws:// to \(configuration.websiteURL)")
    }
    // The agent builds its socket address from whatever ids were accepted: it must not trap.
    let url = configuration.socketURL(acknowledgements: true)
    guard url.absoluteString.contains("/api/ws?deviceId=") else { fatalError("socket URL \(url) lost its query") }
    return 0
}
