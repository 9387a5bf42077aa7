import Foundation
import StreakTrackProtocol
import Testing

/// The roster's `"descriptors"` extension: written only when there is one, read
/// leniently (whatever is wrong with an entry makes it no descriptor, never a
/// rejected student), and never making a roster too large for a device to read.
@Suite("Roster descriptors")
struct RosterDescriptorsTests {
    static let bytes = (0..<512).map { UInt8($0 % 251) }
    static let values = Data(bytes).base64EncodedString()
    static let digest = String(repeating: "ab", count: 32)
    static let descriptor = RosterStudent.Descriptor(model: "hog+m", bytes: bytes, sha256: digest)

    @Test func writtenBesideTheImagesOnlyWhenThereIsOne() {
        let asha = RosterStudent(id: "a", name: "Asha", enrollmentNo: "1", images: ["http://h/1.jpg", "http://h/2.jpg"],
                                 descriptors: [Self.descriptor, nil])
        let ravi = RosterStudent(id: "r", name: "Ravi", enrollmentNo: "2", images: ["http://h/3.jpg"], descriptors: [nil])
        #expect(ravi.descriptors.isEmpty, "no descriptor at all is no extension")
        #expect(ServerMessage.roster(Roster(students: [asha, ravi])).text == """
            {"students":[{"_id":"a","name":"Asha","enrollmentNo":"1","images":["http://h/1.jpg","http://h/2.jpg"],\
            "descriptors":[{"model":"hog+m","values":"\(Self.values)","sha256":"\(Self.digest)"},null]},\
            {"_id":"r","name":"Ravi","enrollmentNo":"2","images":["http://h/3.jpg"]}]}
            """)
        #expect(ServerMessage.read(try! JSONObject(parsing: ServerMessage.roster(Roster(students: [asha, ravi])).text))
                == .message(.roster(Roster(students: [asha, ravi]))), "read back as written")
        #expect(asha.descriptor(forImageAt: 0) == Self.descriptor && asha.descriptor(forImageAt: 1) == nil)
        #expect(asha.descriptor(forImageAt: 2) == nil)
    }

    @Test func aMalformedEntryIsNoDescriptorAndTheStudentStays() throws {
        func entry(_ text: String) throws -> RosterStudent.Descriptor? {
            let message = #"{"students":[{"_id":"a","name":"A","images":["http://h/1.jpg"],"descriptors":[\#(text)]}]}"#
            guard case .message(.roster(let roster)) = ServerMessage.read(try JSONObject(parsing: message)) else {
                Issue.record("not a whole roster: \(text)")
                return nil
            }
            #expect(roster.students.map(\.images) == [["http://h/1.jpg"]], "\(text)")
            return roster.students.first?.descriptor(forImageAt: 0)
        }
        #expect(try entry(#"{"model":"hog+m","values":"\#(Self.values)"}"#) == RosterStudent.Descriptor(model: "hog+m", bytes: Self.bytes))
        #expect(try entry(#"{"model":"hog+m","values":"\#(Self.values)","sha256":"\#(Self.digest.uppercased())"}"#)?.sha256 == Self.digest)
        #expect(try entry(#"{"model":"hog+m","values":"\#(Self.values)","sha256":"not hex"}"#)?.sha256 == nil, "the descriptor still counts")
        for malformed in [
            "null", "5", #""text""#, "[]", "{}",
            #"{"values":"\#(Self.values)"}"#,
            #"{"model":7,"values":"\#(Self.values)"}"#,
            #"{"model":"","values":"\#(Self.values)"}"#,
            #"{"model":"hog\u0007","values":"\#(Self.values)"}"#,
            #"{"model":"\#(String(repeating: "m", count: 300))","values":"\#(Self.values)"}"#,
            #"{"model":"hog+m"}"#,
            #"{"model":"hog+m","values":[0.1,0.2]}"#,
            #"{"model":"hog+m","values":"not base64!"}"#,
            #"{"model":"hog+m","values":"\#(Self.values.dropLast(8))"}"#,
            #"{"model":"hog+m","values":"\#(Data(Self.bytes + [1, 2, 3]).base64EncodedString())"}"#,
            #"{"model":"hog+m","values":"\#(String(repeating: "A", count: 100_000))"}"#,
        ] {
            #expect(try entry(malformed) == nil, "\(malformed.prefix(80))")
        }
    }

    @Test func descriptorsFollowTheirImagesOrAreNotUsed() throws {
        func student(_ json: String) throws -> RosterStudent {
            let reading = ServerMessage.read(try JSONObject(parsing: #"{"students":[\#(json)]}"#))
            guard case .message(.roster(let roster)) = reading, let student = roster.students.first else { throw ReadFailed() }
            return student
        }
        let entry = #"{"model":"hog+m","values":"\#(Self.values)"}"#
        // An image that is not usable is dropped with its descriptor: the rest stay paired.
        let paired = try student(#"{"_id":"a","name":"A","images":[5,"http://h/2.jpg"],"descriptors":[null,\#(entry)]}"#)
        #expect(paired.images == ["http://h/2.jpg"] && paired.descriptor(forImageAt: 0)?.model == "hog+m")
        let dropped = try student(#"{"_id":"a","name":"A","images":[5,"http://h/2.jpg"],"descriptors":[\#(entry),null]}"#)
        #expect(dropped.images == ["http://h/2.jpg"] && dropped.descriptors.isEmpty)
        // More or fewer entries than images: which photo each belongs to is unknown.
        #expect(try student(#"{"_id":"a","name":"A","images":["http://h/1.jpg"],"descriptors":[\#(entry),\#(entry)]}"#).descriptors.isEmpty)
        #expect(try student(#"{"_id":"a","name":"A","images":["http://h/1.jpg","http://h/2.jpg"],"descriptors":[\#(entry)]}"#)
            .descriptors.isEmpty)
        #expect(try student(#"{"_id":"a","name":"A","images":["http://h/1.jpg"],"descriptors":"\#(Self.values)"}"#).descriptors.isEmpty)
        // The original's student, and one with no images, as before.
        #expect(try student(#"{"_id":"a","name":"A","enrollmentNo":"1","images":["http://h/1.jpg"]}"#)
                == RosterStudent(id: "a", name: "A", enrollmentNo: "1", images: ["http://h/1.jpg"]))
        #expect(try student(#"{"_id":"a","name":"A","descriptors":[]}"#) == RosterStudent(id: "a", name: "A", enrollmentNo: "", images: []))
    }

    @Test func aLargeRosterSheddingDescriptorsFromTheEndStaysWithinItsBudget() {
        let students = (0..<100).map {
            RosterStudent(id: "s\($0)", name: "Student \($0)", enrollmentNo: "\($0)", images: ["http://h/\($0).jpg"],
                          descriptors: [Self.descriptor])
        }
        let roster = Roster(students: students)
        let full = ServerMessage.roster(roster).text.utf8.count
        #expect(roster.withDescriptors(within: full) == roster, "within its budget it is untouched")
        let limit = full / 2
        let trimmed = roster.withDescriptors(within: limit)
        #expect(ServerMessage.roster(trimmed).text.utf8.count <= limit)
        let kept = trimmed.students.prefix { !$0.descriptors.isEmpty }.count
        #expect(kept > 40 && trimmed.students.dropFirst(kept).allSatisfy { $0.descriptors.isEmpty }, "the first \(kept) keep theirs")
        #expect(trimmed.students.map(\.images) == roster.students.map(\.images))
        // Too large even without any: every descriptor goes, and nothing else.
        #expect(roster.withDescriptors(within: 10).students.allSatisfy { $0.descriptors.isEmpty })
        #expect(Roster.descriptorBudget == 8 << 20)
    }

    struct ReadFailed: Error {}
}
