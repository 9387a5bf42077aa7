import BackendStore
import StreakTrackProtocol

/// A cluster event as a NOTIFY payload: JSON naming the instance that sent it.
extension ClusterEvent {
    /// PostgreSQL refuses a payload of 8,000 bytes or more.
    static let maxPayloadBytes = 7_900

    func payload(from instance: String) -> String {
        var fields: [(String, JSONValue)] = [("from", .string(instance))]
        func device(_ key: DeviceKey) -> [(String, JSONValue)] {
            [("deviceId", .string(key.id)), ("organizationId", .string(key.organizationId))]
        }
        switch self {
        case .sighting(let deviceId, let studentId, let text):
            fields += [("kind", .string("sighting"))] + device(deviceId) + [("studentId", .string(studentId)), ("text", .string(text))]
        case .status(let deviceId, let online):
            fields += [("kind", .string("status"))] + device(deviceId) + [("online", .bool(online))]
        case .command(let deviceId, let text):
            fields += [("kind", .string("command"))] + device(deviceId) + [("text", .string(text))]
        case .takenOver(let deviceId, let instance):
            fields += [("kind", .string("taken_over"))] + device(deviceId) + [("instance", .string(instance))]
        }
        return JSONValue.object(fields).text
    }

    /// The event and its sender, or nil for a payload this build does not know
    /// (a newer instance's, during a rolling upgrade).
    static func read(_ payload: String) -> (event: ClusterEvent, from: String)? {
        guard let object = try? JSONObject(parsing: payload), let from = object.string("from"),
              let id = object.string("deviceId"), let organizationId = object.string("organizationId") else { return nil }
        let deviceId = DeviceKey(id, of: organizationId)
        let event: ClusterEvent
        switch object.string("kind") {
        case "sighting":
            guard let studentId = object.string("studentId"), let text = object.string("text") else { return nil }
            event = .sighting(deviceId: deviceId, studentId: studentId, text: text)
        case "status":
            guard let online = object.bool("online") else { return nil }
            event = .status(deviceId: deviceId, online: online)
        case "command":
            guard let text = object.string("text") else { return nil }
            event = .command(deviceId: deviceId, text: text)
        case "taken_over":
            guard let instance = object.string("instance") else { return nil }
            event = .takenOver(deviceId: deviceId, instance: instance)
        default:
            return nil
        }
        return (event, from)
    }

    /// What it means for this instance's dashboards and devices (a take-over is the
    /// lease's business: `PostgresCluster` checks it before letting a connection go).
    func deliver(to hub: LiveHub) async {
        switch self {
        case .sighting(let deviceId, let studentId, let text):
            await hub.deliver(text, from: deviceId, about: studentId)
        case .status(let deviceId, let online):
            await hub.announce(deviceId: deviceId, online: online)
        case .command(let deviceId, let text):
            await hub.device(deviceId)?.outbox.send(text)
        case .takenOver:
            break
        }
    }
}
