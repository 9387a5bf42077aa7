import BackendStore
import DeviceAgent
import FaceEngine
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// Live streaming through a real server to a dashboard, with hostile messages
/// forwarded to the device first (the server passes a dashboard's unknown messages on as they are).
@Suite("Live stream and hostile messages")
struct AgentStreamingTests {
    @Test func streamsOnRequestWithinItsFrameRateAndSurvivesHostileMessages() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let secret = try await server.register(device: "door-1", organization: school.id)
        let photos = try [1, 3].map { try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("barack_obama/\($0).jpg"))))) }
        let obama = try await server.stores.roster.addStudent(organizationId: school.id, name: "Barack Obama", enrollmentNo: "B1", photos: photos)

        // A minute of camera at 10 frames a second, Obama at the door: longer than the test needs even
        // on a busy machine (a slow roster sync once left the stream no frames to send); stopped at the end.
        let directory = try Fixtures.scratchDirectory()
        let frames = directory + "/camera"
        try FileManager.default.createDirectory(atPath: frames, withIntermediateDirectories: true)
        let portrait = try Fixtures.image("barack_obama/2.jpg")
        let fitted = portrait.resized(width: portrait.width * 400 / portrait.height, height: 400)
        let frame = try RGBImage.filled(width: 640, height: 480, red: 90, green: 110, blue: 120).pasting(fitted, atX: 120, y: 40).jpegData()
        for i in 0..<600 { try Data(frame).write(to: URL(fileURLWithPath: String(format: "%@/%03d.jpg", frames, i))) }
        try Data("""
            {"website_url":"ws://127.0.0.1:\(server.port)","deviceId":"door-1","deviceSecret":"\(secret)","organizationId":"\(school.id)","camera":"\(frames)",
             "stream":{"maxFps":4,"quality":60,"maxWidth":320}}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let configuration = try AgentConfiguration.load(path: directory + "/config.json")
        let runtime = AgentRuntime(configuration: configuration, engine: await Fixtures.engine, output: SilentFeedback(), realTime: true)
        let agent = Task { try await runtime.run() }

        let dashboard = try await server.dashboard(watching: "door-1", organization: school.id)
        // The hostile messages must reach the device, so wait until the server has it online
        // (a quiet answer is no proof: a busy server may simply be slow to say "offline").
        try await waitUntil(timeout: .seconds(30)) { try await server.stores.devices.device(DeviceKey("door-1", of: school.id))?.online == true }
        try await Task.sleep(for: .milliseconds(200))
        for hostile in [#"{"students":"not a list"}"#, #"{"students":[{"_id":5,"name":[]}]}"#, #"{"error":12}"#,
                        #"{"type":"start_stream"}"#, "[1,2,3]", #"{"a":"# + String(repeating: "[", count: 500) + "}",
                        #"{"type":"stop_stream","targetDeviceId":"door-1","extra":"\#(String(repeating: "x", count: 100_000))"}"#] {
            try await dashboard.send(hostile)
        }

        // Frames flow once the roster is synced and the camera runs (slower when the machine is busy): wait for the
        // first, asking again every few seconds as a dashboard would (a repeated start_stream changes nothing).
        var first: String?
        let wait = ContinuousClock.now
        var asked = ContinuousClock.now - .seconds(10)
        while first == nil, ContinuousClock.now - wait < .seconds(40) {
            if ContinuousClock.now - asked > .seconds(3) {
                try await dashboard.send(#"{"type":"start_stream","targetDeviceId":"door-1"}"#)
                asked = ContinuousClock.now
            }
            if let text = await poll(dashboard, .milliseconds(500)), text.contains("\"live_stream\"") { first = text }
        }
        try #require(first != nil, "a frame arrives after start_stream")
        // A window long enough for a frame even when the machine is busy with other tests' recognition.
        var received: [String] = []
        let window = ContinuousClock.now, seconds = 6
        while ContinuousClock.now - window < .seconds(seconds) {
            guard let text = await poll(dashboard, .milliseconds(500)) else { continue }
            if text.contains("\"live_stream\"") { received.append(text) }
        }
        #expect(received.count >= 1, "frames keep arriving while streaming")
        #expect(received.count <= 4 * seconds + 2, "at most maxFps frames a second: \(received.count) in \(seconds) s")
        for text in received {
            let object = try JSONObject(parsing: text)
            let jpeg = try #require(object.string("frame").flatMap { Data(base64Encoded: $0) })
            let image = try RGBImage(decoding: Array(jpeg))
            #expect(image.width <= 320, "shrunk to the configured width")
        }

        try await dashboard.send(#"{"type":"stop_stream","targetDeviceId":"door-1"}"#)
        try await Task.sleep(for: .milliseconds(500))
        while await poll(dashboard, .milliseconds(100)) != nil {}
        var afterStop = 0
        let quiet = ContinuousClock.now
        while ContinuousClock.now - quiet < .seconds(1) {
            if let text = await poll(dashboard, .milliseconds(300)), text.contains("\"live_stream\"") { afterStop += 1 }
        }
        #expect(afterStop == 0, "no frames after stop_stream")

        agent.cancel()
        let summary = try await agent.value
        #expect(Set(summary.marks.keys) == [obama.id], "the hostile messages changed nothing: the real roster was kept")
        #expect(summary.undelivered == 0)
    }
}

/// The next message, or nil when none comes within `timeout`.
private func poll(_ socket: TestSocket, _ timeout: Duration) async -> String? {
    (try? await socket.next(timeout: timeout)) ?? nil
}
