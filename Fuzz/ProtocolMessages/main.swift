// libFuzzer entry for the wire protocol: every WebSocket text frame from a device, a
// dashboard or a backend goes through JSONObject(parsing:) and a message reader.
// scripts/fuzz compiles this file into the StreakTrackProtocol module itself, so
// internal API is in reach; nothing here may be `@main` (libFuzzer owns main).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Invalid UTF-8 becomes U+FFFD instead of being skipped, so those inputs still
    // reach the parser with everything around them.
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let object = try? JSONObject(parsing: text) else { return 0 }
    // The same frame through both readers: a backend and a device each meet any text.
    if case .message(let message) = DeviceMessage.read(object) {
        // A backend forwards what it read to dashboards; it must read back as itself.
        let again = reparse(message.text, "DeviceMessage")
        if DeviceMessage.read(again) != .message(message) {
            fatalError("DeviceMessage does not survive its own text: \(message) -> \(message.text)")
        }
    }
    if case .message(let message) = ServerMessage.read(object) {
        let again = reparse(message.text, "ServerMessage")
        if ServerMessage.read(again) != .message(message) {
            fatalError("ServerMessage does not survive its own text: \(message) -> \(message.text)")
        }
    }
    return 0
}

/// Our own serialisation must always be a JSON object the other side can parse.
private func reparse(_ text: String, _ kind: String) -> JSONObject {
    do {
        return try JSONObject(parsing: text)
    } catch {
        fatalError("\(kind).text is not a JSON object (\(error)): \(text)")
    }
}
