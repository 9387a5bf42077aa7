import BackendStore
import DeviceAgent
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing
import WebSocketLink

/// The device over wss:// and https:// to a server with its own certificate
/// authority (a school's), trusted through `caFile`; refused without it.
@Suite("Secure link")
struct SecureLinkTests {
    /// A certificate authority and a server certificate for 127.0.0.1, made with openssl.
    func certificates() async throws -> (directory: String, ca: String) {
        let openssl = try #require(which("openssl"))
        let directory = try Fixtures.scratchDirectory()
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: directory + "/san.cnf", atomically: true, encoding: .utf8)
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=StreakTrack Test School CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
             "-days", "2", "-extfile", "san.cnf"],
        ] {
            let made = try await runProcess(openssl, arguments, currentDirectory: directory)
            try #require(made.status == 0, "openssl \(arguments[0]): \(made.stderr)")
        }
        return (directory, directory + "/ca.pem")
    }

    @Test func theDeviceWorksOverTLSWithTheSchoolsAuthorityAndIsRefusedWithout() async throws {
        let (certificates, ca) = try await certificates()
        let server = try await RunningServer.start(.sqlite) { configuration in
            configuration.tls = .init(certificateChain: certificates + "/server.pem", privateKey: certificates + "/server.key")
        }
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let secret = try await server.register(device: "door-1", organization: school.id)
        let photos = try [1, 3].map { try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("barack_obama/\($0).jpg"))))) }
        let obama = try await server.stores.roster.addStudent(organizationId: school.id, name: "Barack Obama", enrollmentNo: "B1", photos: photos)

        // Without the school's authority, the certificate is not trusted.
        let url = URL(string: "wss://127.0.0.1:\(server.port)/api/ws?deviceId=door-1&organizationId=\(school.id)&isHardware=true")!
        await #expect(throws: (any Error).self) { _ = try await WebSocketLink.connect(to: url, timeout: .seconds(5)) }

        let directory = try Fixtures.scratchDirectory()
        let clip = try await Clips.make(of: ["barack_obama/2.jpg"])
        try Data("""
            {"website_url":"wss://127.0.0.1:\(server.port)","deviceId":"door-1","deviceSecret":"\(secret)","organizationId":"\(school.id)","camera":"\(clip)",
             "caFile":"\(ca)"}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let configuration = try AgentConfiguration.load(path: directory + "/config.json")
        let summary = try await AgentRuntime(configuration: configuration, engine: await Fixtures.engine, output: SilentFeedback(),
                                             realTime: false).run()
        #expect(Set(summary.marks.keys) == [obama.id], "photos fetched over https, the mark sent over wss")
        #expect(summary.undelivered == 0)
        let records = try await server.stores.attendance.records(organizationId: school.id, day: AttendanceTimestamp.day(of: Date()))
        #expect(records.map(\.studentId) == [obama.id])
    }
}
