/// A message from the backend (or a dashboard through it) to a device.
public enum ServerMessage: Sendable, Equatable {
    case roster(Roster)
    case startStream(targetDeviceId: String)
    case stopStream(targetDeviceId: String)
    case error(String)
    /// Our extension: the attendance event `eventId` has reached its final state
    /// and the device may forget it. Sent only to devices that announced `ack=1`.
    case acknowledgement(eventId: String, status: AcknowledgementStatus)
    /// Our extension: a watched device came online or went offline. Sent only to
    /// dashboards that asked for it with `status=1`.
    case deviceStatus(deviceId: String, online: Bool)
    /// Our extension: the device is connected through another server instance, named as the
    /// load balancer knows it; its camera is seen there (reconnect with `instance=`). Sent
    /// only to dashboards that asked for status.
    case deviceElsewhere(deviceId: String, instance: String)

    public var text: String {
        switch self {
        case .roster(let roster):
            JSONValue.object([("students", .array(roster.students.map(\.json)))]).text
        case .startStream(let target):
            JSONValue.object([("type", .string("start_stream")), ("targetDeviceId", .string(target))]).text
        case .stopStream(let target):
            JSONValue.object([("type", .string("stop_stream")), ("targetDeviceId", .string(target))]).text
        case .error(let message):
            JSONValue.object([("error", .string(message))]).text
        case .acknowledgement(let eventId, let status):
            JSONValue.object([("type", .string("ack")), ("eventId", .string(eventId)), ("status", .string(status.rawValue))]).text
        case .deviceStatus(let deviceId, let online):
            JSONValue.object([("type", .string("device_status")), ("deviceId", .string(deviceId)), ("online", .bool(online))]).text
        case .deviceElsewhere(let deviceId, let instance):
            JSONValue.object([("type", .string("device_elsewhere")), ("deviceId", .string(deviceId)), ("instance", .string(instance))]).text
        }
    }

    /// What a device makes of a server's message.
    public enum Reading: Sendable, Equatable {
        case message(ServerMessage)
        /// A roster had entries that are not students; the rest is used.
        case partialRoster(Roster, rejected: [String])
        case unknown(type: String?)
    }

    public static func read(_ object: JSONObject) -> Reading {
        if let students = object.array("students") {
            let (roster, rejected) = Roster.read(students)
            return rejected.isEmpty ? .message(.roster(roster)) : .partialRoster(roster, rejected: rejected)
        }
        if let error = object.string("error") { return .message(.error(error)) }
        let type = object.string("type")
        switch type {
        case "start_stream": return .message(.startStream(targetDeviceId: object.string("targetDeviceId") ?? ""))
        case "stop_stream": return .message(.stopStream(targetDeviceId: object.string("targetDeviceId") ?? ""))
        case "ack":
            guard let eventId = object.string("eventId") else { return .unknown(type: type) }
            let status = object.string("status").flatMap(AcknowledgementStatus.init(rawValue:)) ?? .stored
            return .message(.acknowledgement(eventId: eventId, status: status))
        default: return .unknown(type: type)
        }
    }
}

/// What became of an acknowledged attendance event.
public enum AcknowledgementStatus: String, Sendable, Equatable {
    /// Stored now.
    case stored
    /// Already there: the same event resent, or the student already marked that day.
    case duplicate
    /// Never to be stored (unknown student, bad timestamp); resending will not help.
    case rejected
}
