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

    /// The sighting in a message body, or why it cannot be one: a student id and
    /// a real timestamp are required, and every field must pass its `FieldRule`
    /// (name, enrolment number and device id may be empty, as old devices send them).
    static func read(_ object: JSONObject) -> Result<Sighting, FieldError> {
        guard let studentId = object.string("studentId") else { return .failure(FieldError("studentId is missing")) }
        guard let timestamp = object.string("timestamp") else { return .failure(FieldError("timestamp is missing")) }
        let sighting = Sighting(name: object.string("name") ?? "", enrollmentNo: object.string("enrollmentNo") ?? "",
                                deviceId: object.string("deviceId") ?? "", studentId: studentId, timestamp: timestamp)
        let checks: [(FieldRule, String, Bool)] = [(.studentId, studentId, false), (.name, sighting.name, true),
                                                   (.enrollmentNo, sighting.enrollmentNo, true), (.deviceId, sighting.deviceId, true)]
        for (rule, value, mayBeEmpty) in checks where !(mayBeEmpty && value.isEmpty) {
            if let problem = rule.problem(value) { return .failure(FieldError(problem)) }
        }
        guard AttendanceTimestamp.day(of: timestamp) != nil else {
            return .failure(FieldError("timestamp must be a real YYYY-MM-DD HH:MM:SS"))
        }
        return .success(sighting)
    }
}

/// Why a field of a message was refused.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
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
        /// Any other type: ignored.
        case unknownType(String?)
    }

    public static func read(_ object: JSONObject) -> Reading {
        let type = object.string("type")
        switch type {
        case "attendance", "detected":
            guard let body = object.object("student") else {
                return .invalid(type: type!, reason: "student with studentId and timestamp is required")
            }
            let sighting: Sighting
            switch Sighting.read(body) {
            case .success(let read): sighting = read
            case .failure(let error): return .invalid(type: type!, reason: error.description)
            }
            guard type == "attendance" else { return .message(.detected(sighting)) }
            let eventId = object.string("eventId")
            if let eventId, let problem = FieldRule.eventId.problem(eventId) { return .invalid(type: "attendance", reason: problem) }
            return .message(.attendance(sighting, eventId: eventId))
        case "live_stream":
            guard let frame = object.string("frame") else { return .invalid(type: "live_stream", reason: "frame is required") }
            return .message(.liveStream(frame: frame))
        default:
            return .unknownType(type)
        }
    }

    /// The event id of an attendance message that could not be used, when that id
    /// itself is sound: the sender is told the event is rejected, so it stops resending.
    public static func rejectableEventId(_ object: JSONObject) -> String? {
        guard object.string("type") == "attendance", let eventId = object.string("eventId"), FieldRule.eventId.isValid(eventId)
        else { return nil }
        return eventId
    }
}
