/// The words the device shows, laid out for its screen. The original device's
/// words are kept ("StreakTrack is On", "Connected", "Welcome / to / StreakTrack",
/// "Students received", "Please Wait...", "Attendance marked", "Already marked",
/// "Unknown Person"); long names, several people, offline state and sync
/// progress get lines of their own.
public enum Screen: Equatable, Sendable {
    case starting
    case connected
    case welcome(offline: Bool)
    case studentsReceived(count: Int, unusable: Int)
    case syncing(done: Int, total: Int)
    case pleaseWait
    case marked(names: [String])
    case alreadyMarked(names: [String])
    case unknownPerson
    /// The face looks like more than one student: nobody is marked until it is clear.
    case lookAtTheCamera
    case error(String)

    /// The lines for a screen of `columns` by `rows`.
    public func lines(columns: Int, rows: Int) -> [String] {
        let content: [String] = switch self {
        case .starting: ["StreakTrack is On"]
        case .connected: ["Connected"]
        case .welcome(let offline): ["Welcome", "   to", "StreakTrack"] + (offline ? ["(offline)"] : [])
        case .studentsReceived(let count, let unusable):
            ["Students received", "\(count) student\(count == 1 ? "" : "s")"] + (unusable > 0 ? ["\(unusable) photo(s) unusable"] : [])
        case .syncing(let done, let total): ["Updating faces", "\(done) of \(total)", Self.bar(done: done, total: total, width: columns)]
        case .pleaseWait: ["Please Wait..."]
        case .marked(let names): Self.names(names, rows: rows - 1) + ["Attendance marked"]
        case .alreadyMarked(let names): Self.names(names, rows: rows - 1) + ["Already marked"]
        case .unknownPerson: ["Unknown Person"]
        case .lookAtTheCamera: ["Not sure who you are", "Please look at", "the camera"]
        case .error(let reason): ["Error"] + Self.wrap(reason, columns: columns, rows: rows - 1)
        }
        let fitted = content.prefix(rows).map { Self.fit($0, columns: columns) }
        return fitted + Array(repeating: "", count: rows - fitted.count)
    }

    /// Names that fit in `rows` lines: one per line while they fit, else joined, with "+N".
    static func names(_ names: [String], rows: Int) -> [String] {
        guard names.count > 1 else { return names.isEmpty ? [] : [names[0]] }
        if names.count <= rows { return names }
        return Array(names.prefix(rows - 1)) + ["+\(names.count - rows + 1) more"]
    }

    /// A line cut to the screen: long words end in "." so a cut is visible.
    static func fit(_ line: String, columns: Int) -> String {
        guard line.count > columns else { return line }
        return String(line.prefix(columns - 1)) + "."
    }

    static func wrap(_ text: String, columns: Int, rows: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty { current = String(word) } else if current.count + 1 + word.count <= columns { current += " " + word } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return Array(lines.prefix(rows))
    }

    static func bar(done: Int, total: Int, width: Int) -> String {
        let filled = total > 0 ? min(width, width * done / total) : 0
        return String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    }
}
