import BackendStore
import FaceEngine
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The roster's `"descriptors"`: each photo's descriptor from enrolment, with the
/// models that made it and the photo's digest, on the first roster and on every
/// push; a student whose photos have none is sent in the original's format.
@Suite("Roster descriptors on a real server")
struct RosterDescriptorsServerTests {
    @Test(arguments: StoreKind.allCases)
    func theRosterCarriesEnrolmentsDescriptors(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let obama = try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("barack_obama/1.jpg")))
        let added = try await server.http.request("POST", "/api/students", json: [
            "organizationId": school.organizationId, "name": "Barack Obama", "enrollmentNo": "B1", "photos": [obama.base64EncodedString()]])
        try #require(added.status == 201, "\(added.text)")
        let face = try #require(try await server.stores.roster.faces(organizationId: school.organizationId).first)
        let digest = try #require(try await server.stores.roster.photo(face.photoId)?.sha256)

        let device = try await server.device("door-1", organization: school.organizationId)
        let first = try #require(try await device.next())
        let descriptor = #"{"model":"\#(FaceModelFiles.descriptorIdentity)","values":"\#(Data(face.face.descriptor).base64EncodedString())","sha256":"\#(digest)"}"#
        let obamaLink = try #require(first.firstMatch(of: /"name":"Barack Obama","enrollmentNo":"B1","images":\["([^"]+)"\]/)?.1)
        #expect(first.contains(#""images":["\#(obamaLink)"],"descriptors":[\#(descriptor)]}"#), "\(first)")
        // Asha's photo was kept without a descriptor: her entry is the original's, byte for byte.
        let ashaLink = try #require(first.firstMatch(of: /"enrollmentNo":"0801CS211","images":\["([^"]+)"\]/)?.1)
        #expect(first.contains(#"{"_id":"\#(school.studentId)","name":"Asha Verma","enrollmentNo":"0801CS211","images":["\#(ashaLink)"]}"#))
        #expect(first.components(separatedBy: #""descriptors""#).count == 2)

        // A push after a change carries them too.
        _ = try await server.stores.roster.addStudent(organizationId: school.organizationId, name: "Ravi", enrollmentNo: "2")
        let pushed = try #require(try await device.next())
        #expect(pushed.hasPrefix(#"{"students":["#) && pushed.contains(#","descriptors":[\#(descriptor)]}"#), "\(pushed.prefix(300))")
        await device.close()
    }
}
