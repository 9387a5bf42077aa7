import BackendStore
import ChildProcess
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
    func certificates() async throws -> (directory: String, ca: String) {
        try await TestCertificates.make()
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

    /// TLS 1.0 and 1.1 are refused on both sides: by the server (a Python client that
    /// offers nothing newer) and by the device (a Python server that offers nothing newer).
    @Test func oldTLSVersionsAreRefusedBothWays() async throws {
        let (certificates, ca) = try await certificates()
        let server = try await RunningServer.start(.sqlite) { configuration in
            configuration.tls = .init(certificateChain: certificates + "/server.pem", privateKey: certificates + "/server.key")
        }
        defer { Task { await server.stop() } }
        let client = """
            import socket, ssl, sys
            for version in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_2):
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                context.load_verify_locations(sys.argv[2])
                context.set_ciphers("DEFAULT@SECLEVEL=0")
                context.minimum_version = context.maximum_version = version
                try:
                    with context.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))), server_hostname="127.0.0.1") as s:
                        print(version.name, "accepted")
                except (ssl.SSLError, OSError) as e:
                    print(version.name, "refused")
            """
        let python = which("python3") ?? "/usr/bin/python3"
        let tried = try await runProcess(python, ["-c", client, String(server.port), ca])
        #expect(tried.lines == ["TLSv1 refused", "TLSv1_1 refused", "TLSv1_2 accepted"], "\(tried.stdout)\(tried.stderr)")

        // A server stuck on TLS 1.1: the device will not talk to it.
        let port = try freePort()
        let oldServer = """
            import socket, ssl, sys
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[2] + "/server.pem", sys.argv[2] + "/server.key")
            context.set_ciphers("DEFAULT@SECLEVEL=0")
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = ssl.TLSVersion.TLSv1_1
            listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
            print("ready", flush=True)
            connection, _ = listener.accept()
            try:
                context.wrap_socket(connection, server_side=True)
                print("handshake completed")
            except (ssl.SSLError, OSError):
                print("handshake failed")
            """
        let old = try ChildProcess(python, ["-c", oldServer, String(port), certificates])
        try await waitUntil { !portIsFree(port) }
        let directory = try Fixtures.scratchDirectory()
        try Data(#"{"website_url":"wss://127.0.0.1:\#(port)","deviceId":"door-1","organizationId":"o","caFile":"\#(ca)"}"#.utf8)
            .write(to: URL(fileURLWithPath: directory + "/config.json"))
        let configuration = try AgentConfiguration.load(path: directory + "/config.json")
        await #expect(throws: (any Error).self) {
            _ = try await WebSocketLink.connect(to: configuration.socketURL(acknowledgements: true), tls: configuration.tls, timeout: .seconds(5))
        }
        let said = await offCooperativePool { String(decoding: old.standardOutput!.readDataToEndOfFile(), as: UTF8.self) }
        #expect(said.contains("handshake failed"), "\(said)")
        await old.terminate()
    }
}
