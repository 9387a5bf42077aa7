import StreakTrackProtocol
import Testing

/// What a field may hold before it reaches a database row, a log line or a CSV cell.
@Suite("Field rules")
struct FieldRulesTests {
    @Test func timestampsAreExactlyTheFormatAndARealMoment() {
        for good in ["2026-11-24 09:01:07", "2024-02-29 23:59:59", "2000-01-01 00:00:00"] {
            #expect(AttendanceTimestamp.day(of: good) == String(good.prefix(10)), "\(good)")
        }
        for bad in ["2026-02-29 09:00:00", "2026-04-31 09:00:00", "2100-02-29 09:00:00", "2026-11-24 24:00:00",
                    "2026-11-24 09:60:00", "2026-11-24 09:00:61", "2026-11-24T09:00:00", "2026-11-24 09:00:00Z",
                    "2019-06-01 a\r=2+2", "2026-11-24 9:00:00", "1999-12-31 23:59:59", "２０２６-11-24 09:00:00", ""] {
            #expect(AttendanceTimestamp.day(of: bad) == nil, "\(bad)")
        }
        #expect(AttendanceTimestamp.validDay("2026-11-30") == "2026-11-30")
        #expect(AttendanceTimestamp.validDay("2026-11-31") == nil)
        #expect(AttendanceTimestamp.validDay("2026-11-30 ") == nil)
    }

    @Test func fieldsHaveLimitsAndNoControlCharacters() {
        #expect(FieldRule.deviceId.problem("door-1") == nil)
        #expect(FieldRule.name.problem("Zoë Ørsted-Ñúñez 王小明 ज़ोया") == nil, "names in any script")
        #expect(FieldRule.name.problem("Asha\u{200D}Verma") == nil, "joiners belong to some scripts' names")
        #expect(FieldRule.deviceId.problem("") == "deviceId is empty")
        #expect(FieldRule.deviceId.problem(String(repeating: "d", count: 129)) == "deviceId is longer than 128 characters")
        #expect(FieldRule.eventId.problem("e\nforged") == "eventId contains the control character U+A")
        #expect(FieldRule.name.problem("\u{202E}amhsA") == "name contains the control character U+202E")
        #expect(FieldRule.name.problem("a\u{2028}b") != nil)
        #expect(FieldRule.name.problem("a\u{85}b") != nil, "C1 next line")
        #expect("door\n1\u{202E}".escapingControlCharacters == #"door\u{a}1\u{202e}"#)
        #expect("plain".escapingControlCharacters == "plain")
    }

    @Test func sightingsWithBadFieldsAreInvalid() throws {
        func read(_ student: String, eventId: String = #""e""#) throws -> DeviceMessage.Reading {
            DeviceMessage.read(try JSONObject(parsing: #"{"type":"attendance","student":\#(student),"eventId":\#(eventId)}"#))
        }
        let good = #"{"name":"A","enrollmentNo":"1","deviceId":"d","studentId":"s","timestamp":"2026-11-24 09:01:07"}"#
        guard case .message = try read(good) else { Issue.record("a good mark"); return }
        let cases = [
            #"{"studentId":"s","timestamp":"2026-11-24 09:01:07","name":"A\nB"}"#: "name contains the control character U+A",
            #"{"studentId":"s","timestamp":"2026-11-24 09:01:07","deviceId":"\td"}"#: "deviceId contains the control character U+9",
            #"{"studentId":"s","timestamp":"2026-11-24 09:1:07"}"#: "timestamp must be a real YYYY-MM-DD HH:MM:SS",
            #"{"timestamp":"2026-11-24 09:01:07"}"#: "studentId is missing",
        ]
        for (student, reason) in cases {
            #expect(try read(student) == .invalid(type: "attendance", reason: reason), "\(student)")
        }
        #expect(try read(good, eventId: "\"\(String(repeating: "e", count: 129))\"")
                == .invalid(type: "attendance", reason: "eventId is longer than 128 characters"))
        let unusable = try JSONObject(parsing: #"{"type":"attendance","student":{},"eventId":"e-7"}"#)
        #expect(DeviceMessage.rejectableEventId(unusable) == "e-7")
    }

    @Test func aRosterEntryWithBadFieldsIsRejectedByName() throws {
        let reading = ServerMessage.read(try JSONObject(parsing: #"{"students":[{"_id":"a","name":"Asha\u0007"},{"_id":"b","name":"Ravi"}]}"#))
        guard case .partialRoster(let roster, let rejected) = reading else { Issue.record("\(reading)"); return }
        #expect(roster.students.map(\.id) == ["b"])
        #expect(rejected == ["entry 0 (a): name contains the control character U+7"])
    }

    @Test func aSignedPhotoLinkKeepsItsIdentityWhenSignedAgain() {
        let first = "http://10.0.0.2:3001/photos/65f0c1000000000000000001?for=door-1&expires=1764600000&signature=ab12"
        let again = "http://10.0.0.2:3001/photos/65f0c1000000000000000001?for=door-1&expires=1764700000&signature=cd34"
        #expect(PhotoLink.identity(of: first) == "http://10.0.0.2:3001/photos/65f0c1000000000000000001?for=door-1")
        #expect(PhotoLink.identity(of: first) == PhotoLink.identity(of: again))
        let cdn = "https://cdn.example/photo.jpg?expires=5&v=2"
        #expect(PhotoLink.identity(of: cdn) == cdn, "without our signature, a link is its own identity")
    }

    @Test func connectionIdsAreCheckedToo() {
        #expect(ConnectionParameters.parse(["deviceId": "door\n1", "organizationId": "o", "isHardware": "true"])
                == .failure(.invalidId("deviceId contains the control character U+A")))
        #expect(ConnectionParameters.Rejection.invalidId("x").closeCode == 1008)
    }
}
