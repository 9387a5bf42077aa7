import StreakTrackProtocol
import Testing

/// Messages byte for byte as PROTOCOL.md shows them.
@Suite("Wire protocol")
struct MessageTests {
    let sighting = Sighting(name: "Asha Verma", enrollmentNo: "0801CS211", deviceId: "door-1",
                            studentId: "65f0c1000000000000000001", timestamp: "2026-11-24 09:01:07")

    @Test func deviceMessagesAreByteExact() {
        #expect(DeviceMessage.attendance(sighting, eventId: nil).text == """
            {"type":"attendance","student":{"name":"Asha Verma","enrollmentNo":"0801CS211","deviceId":"door-1","studentId":"65f0c1000000000000000001","timestamp":"2026-11-24 09:01:07"}}
            """)
        #expect(DeviceMessage.detected(sighting).text.hasPrefix(#"{"type":"detected","student":{"name":"Asha Verma""#))
        #expect(DeviceMessage.liveStream(frame: "AAEC").text == #"{"type":"live_stream","frame":"AAEC"}"#)
        #expect(DeviceMessage.attendance(sighting, eventId: "e-1").text.hasSuffix(#""timestamp":"2026-11-24 09:01:07"},"eventId":"e-1"}"#))
    }

    @Test func serverMessagesAreByteExact() {
        let roster = Roster(students: [RosterStudent(id: "65f0c1000000000000000001", name: "Asha", enrollmentNo: "1", images: ["http://h/1.jpg"])])
        #expect(ServerMessage.roster(roster).text == #"{"students":[{"_id":"65f0c1000000000000000001","name":"Asha","enrollmentNo":"1","images":["http://h/1.jpg"]}]}"#)
        #expect(ServerMessage.startStream(targetDeviceId: "door-1").text == #"{"type":"start_stream","targetDeviceId":"door-1"}"#)
        #expect(ServerMessage.stopStream(targetDeviceId: "door-1").text == #"{"type":"stop_stream","targetDeviceId":"door-1"}"#)
        #expect(ServerMessage.error("Missing deviceId").text == #"{"error":"Missing deviceId"}"#)
        #expect(ServerMessage.error("say \"hi\"\n").text == #"{"error":"say \"hi\"\n"}"#)
    }

    @Test func readingIsLenientAndRoundTrips() throws {
        let text = DeviceMessage.attendance(sighting, eventId: "e-1").text
        #expect(DeviceMessage.read(try JSONObject(parsing: text)) == .message(.attendance(sighting, eventId: "e-1")))
        #expect(DeviceMessage.read(try JSONObject(parsing: #"{"type":"attendance"}"#)) != .message(.liveStream(frame: "")))
        if case .invalid = DeviceMessage.read(try JSONObject(parsing: #"{"type":"attendance","student":{"name":1}}"#)) {} else {
            Issue.record("an attendance without studentId is invalid")
        }
        #expect(DeviceMessage.read(try JSONObject(parsing: #"{"type":"hello"}"#)) == .unknownType("hello"))
        #expect(throws: JSONObject.ParseError.self) { try JSONObject(parsing: "{not json") }
        #expect(throws: JSONObject.ParseError.self) { try JSONObject(parsing: "[1,2]") }

        let roster = ServerMessage.read(try JSONObject(parsing: #"{"students":[{"_id":"a","name":"A","enrollmentNo":7},{"name":"no id"},5]}"#))
        guard case .partialRoster(let students, let rejected) = roster else { Issue.record("\(roster)"); return }
        #expect(students.students == [RosterStudent(id: "a", name: "A", enrollmentNo: "7", images: [])])
        #expect(rejected.count == 2)
        // A student must have a name in text: a nameless entry is rejected, not taken as a student called "".
        let nameless = ServerMessage.read(try JSONObject(parsing: #"{"students":[{"_id":5,"name":[]},{"_id":"b"}]}"#))
        guard case .partialRoster(let none, let refused) = nameless else { Issue.record("\(nameless)"); return }
        #expect(none.students.isEmpty && refused.count == 2)
        #expect(ServerMessage.read(try JSONObject(parsing: #"{"type":"ack","eventId":"e","status":"duplicate"}"#))
                == .message(.acknowledgement(eventId: "e", status: .duplicate)))
    }

    @Test func connectionParametersFollowTheOriginalRules() {
        #expect(ConnectionParameters.parse([:]) == .failure(.missingDeviceId))
        #expect(ConnectionParameters.parse(["deviceId": "d"]) == .failure(.missingOrganizationId))
        #expect(ConnectionParameters.parse(["deviceId": "d", "organizationId": "o", "isHardware": "yes"]) == .failure(.invalidParameters))
        #expect(ConnectionParameters.parse(["deviceId": "d", "organizationId": "o"]) == .failure(.invalidParameters))
        #expect(ConnectionParameters.Rejection.missingDeviceId.closeCode == 1003)
        #expect(ConnectionParameters.Rejection.invalidParameters.closeCode == 1002)
        let parsed = ConnectionParameters.parse(["deviceId": "d", "organizationId": "o", "isHardware": "true", "ack": "1"])
        #expect(parsed == .success(ConnectionParameters(deviceId: "d", organizationId: "o", isHardware: true, acknowledgements: true)))
        #expect(ConnectionParameters(deviceId: "door 1&x", organizationId: "o", isHardware: true).query
                == "deviceId=door%201%26x&organizationId=o&isHardware=true")
    }

    @Test func timestampsAndIds() {
        #expect(AttendanceTimestamp.day(of: "2026-11-24 09:01:07") == "2026-11-24")
        #expect(AttendanceTimestamp.day(of: "2026-13-24 09:01:07") == nil)
        #expect(AttendanceTimestamp.day(of: "24/11/2026") == nil)
        #expect(ObjectID.isValid(ObjectID.make()))
        #expect(!ObjectID.isValid("65f0c1"))
        #expect(!ObjectID.isValid("zzzzzzzzzzzzzzzzzzzzzzzz"))
    }
}
