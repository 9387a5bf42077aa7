/// What the text fields that cross the wire may hold. Every one of them ends up
/// in a database row, a log line, a CSV cell or a dashboard, so each has a
/// length limit and none may carry characters that break lines or reorder text.
public enum FieldRule: String, Sendable, CaseIterable {
    case deviceId
    case organizationId
    case studentId
    case name
    case enrollmentNo
    case eventId

    /// The longest value accepted, in Unicode scalars.
    public var maxLength: Int {
        switch self {
        case .deviceId, .organizationId, .eventId: 128
        case .studentId, .enrollmentNo: 64
        case .name: 200
        }
    }

    /// Why `value` is not acceptable, or nil when it is.
    public func problem(_ value: String) -> String? {
        let scalars = value.unicodeScalars
        if scalars.isEmpty { return "\(rawValue) is empty" }
        if scalars.count > maxLength { return "\(rawValue) is longer than \(maxLength) characters" }
        if let bad = scalars.first(where: FieldRule.isForbidden) {
            return "\(rawValue) contains the control character U+\(String(bad.value, radix: 16, uppercase: true))"
        }
        return nil
    }

    public func isValid(_ value: String) -> Bool { problem(value) == nil }

    /// Control characters (C0, DEL, C1), line and paragraph separators, and the
    /// bidirectional overrides that make a name display as something else.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension String {
    /// The text with every forbidden character written as `\u{…}`: safe in a
    /// one-line log record whatever a peer sent.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: FieldRule.isForbidden) else { return self }
        var out = ""
        for scalar in unicodeScalars {
            if FieldRule.isForbidden(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
