import BackendStore
import Foundation
import TestSupport
import Testing

/// `streaktrack doctor`, run as a person runs it on a device.
@Suite("streaktrack doctor")
struct DoctorCommandTests {
    func config(port: Int, organization: String, camera: String, secret: String) throws -> String {
        let directory = try Fixtures.scratchDirectory()
        try Data("""
            {"website_url":"ws://127.0.0.1:\(port)","deviceId":"door-1","organizationId":"\(organization)","camera":"\(camera)",
             "deviceSecret":"\(secret)",
             "lcd":{"bus":"/dev/i2c-97"},"leds":{"chip":"/dev/gpiochip97"}}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        return directory + "/config.json"
    }

    @Test("everything that works says OK; a missing LCD bus, GPIO chip, camera or backend each say what to fix")
    func reportsEachPart() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let secret = try await server.register(device: "door-1", organization: school.id)
        let photo = try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("barack_obama/1.jpg")))))
        _ = try await server.stores.roster.addStudent(organizationId: school.id, name: "Barack Obama", enrollmentNo: "B1", photos: [photo])
        let camera = try Fixtures.scratchDirectory() + "/camera"
        try FileManager.default.createDirectory(atPath: camera, withIntermediateDirectories: true)
        for i in 1...4 { try FileManager.default.copyItem(atPath: Fixtures.face("john_simm/\(i).jpg"), toPath: "\(camera)/\(i).jpg") }
        let doctor = Fixtures.executable("streaktrack")

        let good = try await runProcess(doctor, ["doctor", "--no-hardware", "--config", try config(port: server.port, organization: school.id, camera: camera, secret: secret)])
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.lines.contains { $0.hasPrefix("OK    models") && $0.contains("shape_predictor_5_face_landmarks.dat") })
        #expect(good.lines.contains { $0.hasPrefix("OK    camera") && $0.contains("x") })
        #expect(good.lines.contains { $0.hasPrefix("OK    backend") && $0.contains("roster of 1 student") })
        #expect(good.lines.contains { $0.hasPrefix("SKIP  LCD and LEDs") })

        let bad = try await runProcess(doctor, ["doctor", "--config", try config(port: try freePort(), organization: school.id, camera: "/dev/video97", secret: secret)])
        #expect(bad.status == 1)
        #expect(bad.lines.contains { $0.hasPrefix("FAIL  LCD") && $0.contains("/dev/i2c-97") && $0.contains("raspi-config") })
        #expect(bad.lines.contains { $0.hasPrefix("FAIL  LEDs") && $0.contains("/dev/gpiochip97") })
        #expect(bad.lines.contains { $0.hasPrefix("FAIL  camera") && $0.contains("/dev/video97") })
        #expect(bad.lines.contains { $0.hasPrefix("FAIL  backend") && $0.contains("website_url") })
        #expect(bad.stdout.contains("4 check(s) failed."))
    }
}
