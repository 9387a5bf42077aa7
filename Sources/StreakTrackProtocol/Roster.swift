import Foundation

/// One student as the roster gives them: `{"_id","name","enrollmentNo","images"}`,
/// and from our backend `"descriptors"` beside the images (see `Descriptor`).
public struct RosterStudent: Sendable, Equatable, Hashable {
    /// Our extension: the face descriptor our backend computed for one of the
    /// student's photos when it was enrolled, with the models that computed it, so
    /// a device running the same models stores it instead of downloading and
    /// encoding the photo. On the wire, `"descriptors"` follows `"images"` and has one
    /// entry per image, in the same order, `null` for a photo without one:
    /// `{"model":"<FaceModelFiles.descriptorIdentity>","values":"<base64 of 128 little-endian Float32>","sha256":"<the photo's>"}`.
    /// A peer that does not know the key ignores it; a student without it is the original's.
    public struct Descriptor: Sendable, Equatable, Hashable {
        /// 128 Float32.
        public static let byteCount = 512

        /// What made it: a device whose models are other must encode the photo itself.
        public var model: String
        /// 128 little-endian Float32 as the backend keeps them. Only their count is
        /// checked here: whether they are finite numbers is for the one who uses them.
        public var bytes: [UInt8]
        /// The SHA-256 (hexadecimal) of the photo it was computed from.
        public var sha256: String?

        public init(model: String, bytes: [UInt8], sha256: String? = nil) {
            self.model = model
            self.bytes = bytes
            self.sha256 = sha256
        }

        var json: JSONValue {
            var members: [(String, JSONValue)] = [("model", .string(model)), ("values", .string(Data(bytes).base64EncodedString()))]
            if let sha256 { members.append(("sha256", .string(sha256))) }
            return .object(members)
        }

        /// An entry as received; anything malformed is no descriptor, and the photo is encoded instead.
        static func read(_ entry: Any) -> Descriptor? {
            guard let object = entry as? [String: Any], let model = object["model"] as? String, !model.isEmpty,
                  model.utf8.count <= 256, !model.unicodeScalars.contains(where: FieldRule.isForbidden),
                  let values = object["values"] as? String, values.utf8.count <= 2 * byteCount,
                  let bytes = Data(base64Encoded: values), bytes.count == byteCount
            else { return nil }
            let sha256 = (object["sha256"] as? String).flatMap { $0.utf8.count == 64 && [UInt8](hexadecimal: $0) != nil ? $0.lowercased() : nil }
            return Descriptor(model: model, bytes: Array(bytes), sha256: sha256)
        }
    }

    public var id: String
    public var name: String
    public var enrollmentNo: String
    public var images: [String]
    /// One per image (nil where there is none), or empty: no descriptor at all.
    public var descriptors: [Descriptor?]

    public init(id: String, name: String, enrollmentNo: String, images: [String], descriptors: [Descriptor?] = []) {
        self.id = id
        self.name = name
        self.enrollmentNo = enrollmentNo
        self.images = images
        self.descriptors = descriptors.contains { $0 != nil } ? descriptors : []
    }

    /// The descriptor sent with `images[index]`, if any.
    public func descriptor(forImageAt index: Int) -> Descriptor? {
        descriptors.count == images.count && descriptors.indices.contains(index) ? descriptors[index] : nil
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [("_id", .string(id)), ("name", .string(name)), ("enrollmentNo", .string(enrollmentNo)),
                                              ("images", .array(images.map(JSONValue.string)))]
        // Only when there is one: otherwise the original's format, byte for byte.
        if descriptors.count == images.count, descriptors.contains(where: { $0 != nil }) {
            members.append(("descriptors", .array(descriptors.map { $0?.json ?? .null })))
        }
        return .object(members)
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
            let listed = object["images"] as? [Any] ?? []
            // Descriptors that do not line up with the images could be taken for the wrong photo: none are used then.
            let given = (object["descriptors"] as? [Any]).flatMap { $0.count == listed.count ? $0 : nil }
            var images: [String] = []
            var descriptors: [RosterStudent.Descriptor?] = []
            for (index, entry) in listed.enumerated() {
                guard let url = entry as? String, url.utf8.count <= 4096, !url.unicodeScalars.contains(where: FieldRule.isForbidden)
                else { continue }
                images.append(url)
                descriptors.append(given.flatMap { RosterStudent.Descriptor.read($0[index]) })
            }
            students.append(RosterStudent(id: id, name: name, enrollmentNo: enrollmentNo, images: images, descriptors: descriptors))
        }
        return (Roster(students: students), rejected)
    }

    /// Our device reads messages of up to 16 MB; descriptors (about 900 bytes a photo)
    /// may take a roster up to half of that, never past it.
    public static let descriptorBudget = 8 << 20

    /// The roster with the descriptors of its last students left out, as many as it
    /// takes for its message to be at most `limit` bytes: those photos are encoded
    /// by the device instead, and a large school's roster stays readable.
    public func withDescriptors(within limit: Int = Roster.descriptorBudget) -> Roster {
        var size = ServerMessage.roster(self).text.utf8.count
        guard size > limit else { return self }
        var trimmed = self
        for index in trimmed.students.indices.reversed() where size > limit && !trimmed.students[index].descriptors.isEmpty {
            let before = trimmed.students[index].json.text.utf8.count
            trimmed.students[index].descriptors = []
            size -= before - trimmed.students[index].json.text.utf8.count
        }
        return trimmed
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
