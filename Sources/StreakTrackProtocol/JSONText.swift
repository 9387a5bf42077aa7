import Foundation

/// JSON written with its keys in the order given, so messages are byte for byte
/// what PROTOCOL.md shows and what the original peers send.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.text == rhs.text
    }

    /// Compact JSON text (no spaces), as JSON.stringify writes it.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let s): JSONValue.quote(s, into: &out)
        case .number(let n): out += n.isFinite ? (n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n)) : "null"
        case .integer(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                JSONValue.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }

    /// JSON.stringify's escaping: quote, backslash and control characters; the rest as is.
    static func quote(_ string: String, into out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// A received JSON object, read leniently: peers are old, new, or hostile.
public struct JSONObject: @unchecked Sendable {
    // Values are what JSONSerialization produces: immutable Foundation objects.
    public let members: [String: Any]

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notJSON(String)
        case notAnObject

        public var description: String {
            switch self {
            case .notJSON(let reason): "malformed JSON: \(reason)"
            case .notAnObject: "JSON message is not an object"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw .notJSON((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "cannot parse")
        }
        guard let members = parsed as? [String: Any] else { throw .notAnObject }
        self.members = members
    }

    init(members: [String: Any]) {
        self.members = members
    }

    public func string(_ key: String) -> String? { members[key] as? String }

    public func object(_ key: String) -> JSONObject? { (members[key] as? [String: Any]).map(JSONObject.init(members:)) }

    public func array(_ key: String) -> [Any]? { members[key] as? [Any] }

    public func bool(_ key: String) -> Bool? { members[key] as? Bool }

    public func has(_ key: String) -> Bool { members[key] != nil }
}
