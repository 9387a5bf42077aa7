/// One student as the roster gives them: `{"_id","name","enrollmentNo","images"}`.
public struct RosterStudent: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var enrollmentNo: String
    public var images: [String]

    public init(id: String, name: String, enrollmentNo: String, images: [String]) {
        self.id = id
        self.name = name
        self.enrollmentNo = enrollmentNo
        self.images = images
    }

    var json: JSONValue {
        .object([("_id", .string(id)), ("name", .string(name)), ("enrollmentNo", .string(enrollmentNo)),
                 ("images", .array(images.map(JSONValue.string)))])
    }
}

/// The roster message: `{"students":[...]}`, the first message after connecting
/// and, from our backend, again whenever the roster changes.
public struct Roster: Sendable, Equatable {
    public var students: [RosterStudent]

    public init(students: [RosterStudent]) {
        self.students = students
    }

    /// Reads a roster, skipping (and naming) entries that are not students.
    /// Numbers where strings belong are taken as their text, as JavaScript would.
    static func read(_ array: [Any]) -> (roster: Roster, rejected: [String]) {
        var students: [RosterStudent] = []
        var rejected: [String] = []
        for (position, entry) in array.enumerated() {
            guard let object = entry as? [String: Any] else {
                rejected.append("entry \(position) is not an object")
                continue
            }
            guard let id = text(object["_id"]), !id.isEmpty else {
                rejected.append("entry \(position) has no _id")
                continue
            }
            // A student without a name in text is no student: it must not replace one who has.
            guard let name = text(object["name"]) else {
                rejected.append("entry \(position) (\(String(id.prefix(64)).escapingControlCharacters)) has no name")
                continue
            }
            let enrollmentNo = text(object["enrollmentNo"]) ?? ""
            let checks = [(FieldRule.studentId, id), (.name, name)] + (enrollmentNo.isEmpty ? [] : [(.enrollmentNo, enrollmentNo)])
            if let problem = checks.lazy.compactMap({ $0.0.problem($0.1) }).first {
                rejected.append("entry \(position) (\(String(id.prefix(64)).escapingControlCharacters)): \(problem)")
                continue
            }
            let images = (object["images"] as? [Any] ?? []).compactMap { $0 as? String }
                .filter { $0.utf8.count <= 4096 && !$0.unicodeScalars.contains(where: FieldRule.isForbidden) }
            students.append(RosterStudent(id: id, name: name, enrollmentNo: enrollmentNo, images: images))
        }
        return (Roster(students: students), rejected)
    }

    private static func text(_ value: Any?) -> String? {
        switch value {
        case let s as String: s
        case let n as Int: String(n)
        case let n as Double: String(n)
        default: nil
        }
    }
}

extension Sequence<RosterStudent> {
    /// Students by id; of two entries with one id, the first counts.
    public var byId: [String: RosterStudent] { Dictionary(map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }) }
}
