/// The student part of `attendance` and `detected`, field for field as the
/// original device sends it.
public struct Sighting: Sendable, Equatable, Hashable {
    public var name: String
    public var enrollmentNo: String
    public var deviceId: String
    public var studentId: String
    /// `YYYY-MM-DD HH:MM:SS`, the device's local time.
    public var timestamp: String

    public init(name: String, enrollmentNo: String, deviceId: String, studentId: String, timestamp: String) {
        self.name = name
        self.enrollmentNo = enrollmentNo
        self.deviceId = deviceId
        self.studentId = studentId
        self.timestamp = timestamp
    }

    var json: JSONValue {
        .object([("name", .string(name)), ("enrollmentNo", .string(enrollmentNo)), ("deviceId", .string(deviceId)),
                 ("studentId", .string(studentId)), ("timestamp", .string(timestamp))])
    }

    init?(_ object: JSONObject) {
        guard let studentId = object.string("studentId"), let timestamp = object.string("timestamp") else { return nil }
        self.init(name: object.string("name") ?? "", enrollmentNo: object.string("enrollmentNo") ?? "",
                  deviceId: object.string("deviceId") ?? "", studentId: studentId, timestamp: timestamp)
    }
}

/// A message from a device to the backend.
public enum DeviceMessage: Sendable, Equatable {
    /// First recognition in a session. `eventId` is our extension for acknowledged
    /// delivery: an old backend ignores the extra field.
    case attendance(Sighting, eventId: String?)
    /// A later recognition of a student already marked.
    case detected(Sighting)
    /// One camera frame: base64 of a JPEG.
    case liveStream(frame: String)

    public var text: String {
        switch self {
        case .attendance(let sighting, let eventId):
            var members: [(String, JSONValue)] = [("type", .string("attendance")), ("student", sighting.json)]
            if let eventId { members.append(("eventId", .string(eventId))) }
            return JSONValue.object(members).text
        case .detected(let sighting):
            return JSONValue.object([("type", .string("detected")), ("student", sighting.json)]).text
        case .liveStream(let frame):
            return JSONValue.object([("type", .string("live_stream")), ("frame", .string(frame))]).text
        }
    }

    /// What a backend makes of a device's message.
    public enum Reading: Sendable, Equatable {
        case message(DeviceMessage)
        /// A known type with a body that cannot be used, and why.
        case invalid(type: String, reason: String)
        /// Any other type: forwarded as is by the original backend's rules? No: ignored.
        case unknownType(String?)
    }

    public static func read(_ object: JSONObject) -> Reading {
        let type = object.string("type")
        switch type {
        case "attendance", "detected":
            guard let body = object.object("student"), let sighting = Sighting(body) else {
                return .invalid(type: type!, reason: "student with studentId and timestamp is required")
            }
            return .message(type == "attendance" ? .attendance(sighting, eventId: object.string("eventId")) : .detected(sighting))
        case "live_stream":
            guard let frame = object.string("frame") else { return .invalid(type: "live_stream", reason: "frame is required") }
            return .message(.liveStream(frame: frame))
        default:
            return .unknownType(type)
        }
    }
}
