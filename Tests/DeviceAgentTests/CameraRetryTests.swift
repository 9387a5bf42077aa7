import DeviceAgent
import FaceEngine
import Foundation
import TestSupport
import Testing

/// A live camera that fails is reported on the screen and opened again.
@Suite("Camera retry")
struct CameraRetryTests {
    @Test func aFailingLiveCameraIsReportedAndReopened() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let secret = try await server.register(device: "door-1", organization: school.id)
        let directory = try Fixtures.scratchDirectory()
        // An MJPEG stream of five frames, which the command gives only on its second run.
        let jpeg = try RGBImage.filled(width: 320, height: 240, red: 90, green: 110, blue: 120).jpegData()
        try Data((0..<5).flatMap { _ in jpeg }).write(to: URL(fileURLWithPath: directory + "/frames.mjpeg"))
        let command = "if [ -f \(directory)/opened ]; then cat \(directory)/frames.mjpeg; else touch \(directory)/opened; echo unplugged >&2; exit 3; fi"
        try Data("""
            {"website_url":"ws://127.0.0.1:\(server.port)","deviceId":"door-1","deviceSecret":"\(secret)","organizationId":"\(school.id)","camera":"pipe:\(command)"}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let feedback = RecordingFeedback()
        let runtime = AgentRuntime(configuration: try AgentConfiguration.load(path: directory + "/config.json"), engine: await Fixtures.engine,
                                   output: feedback, realTime: false)
        let summary = try await runtime.run()
        #expect(summary.frames == 5, "every frame of the second opening")
        #expect(summary.cameraFailure == nil)
        #expect(feedback.recorded.contains(.screen(["Error", "Camera lost,", "retrying", ""])))
        #expect(feedback.recorded.last == .shutdown)
    }
}
