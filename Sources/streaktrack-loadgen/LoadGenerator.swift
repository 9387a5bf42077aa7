import ArgumentParser
import Foundation
import StreakTrackProtocol
import Synchronization
import WebSocketLink
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Load against a running streaktrack-server on this machine: many devices
/// marking attendance with acknowledgements, one of them streaming camera frames
/// to a dashboard. Bounded in connections, events and time; loopback only.
@main
struct LoadGenerator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "streaktrack-loadgen",
                                                    abstract: "Measure how many devices one streaktrack-server holds.",
                                                    version: StreakTrackVersion.number)

    @Option(help: "Server port on 127.0.0.1.") var port = 3001
    @Option(help: "Admin token of the server (to create the test roster).") var token: String
    @Option(help: "Simultaneous device connections.") var devices = 200
    @Option(help: "Devices per organization (a school has a few doors, not hundreds).") var devicesPerOrganization = 10
    @Option(help: "Attendance events each device sends.") var eventsPerDevice = 5
    @Option(help: "Camera frames per second streamed by one device to one dashboard.") var frameRate = 10
    @Option(help: "Bytes of each camera frame (base64 text).") var frameBytes = 60_000
    @Option(help: "Longest the run may take, in seconds.") var maxSeconds = 120

    func validate() throws {
        guard (1...5000).contains(devices), (1...100).contains(eventsPerDevice), maxSeconds <= 600 else {
            throw ValidationError("keep the load bounded: 1...5000 devices, 1...100 events each, at most 600 s")
        }
    }

    func run() async throws {
        let base = "http://127.0.0.1:\(port)"
        let organizationCount = (devices + devicesPerOrganization - 1) / devicesPerOrganization
        print("creating \(organizationCount) organizations and \(devices * eventsPerDevice) students...")
        let run = UUID().uuidString.prefix(8)
        var organizations: [String] = []
        for o in 0..<organizationCount {
            organizations.append(try field("id", of: await post(base + "/api/organizations", ["name": "Load test \(run) \(o)"])))
        }
        var students: [String] = []
        for i in 0..<(devices * eventsPerDevice) {
            let organization = organizations[i / eventsPerDevice / devicesPerOrganization]
            let student = try await post(base + "/api/students", ["organizationId": organization, "name": "Student \(i)",
                                                                   "enrollmentNo": "LOAD\(i)"])
            students.append(try field("_id", of: student["student"] as? [String: Any] ?? [:]))
        }

        // Registered as a school registers its doors: each device gets its secret.
        print("registering \(devices) devices...")
        var secrets: [String] = []
        for d in 0..<devices {
            let registered = try await post(base + "/api/devices", ["deviceId": "load-\(run)-\(d)",
                                                                     "organizationId": organizations[d / devicesPerOrganization]])
            secrets.append(try field("deviceSecret", of: registered["config"] as? [String: Any] ?? [:]))
        }

        print("connecting \(devices) devices...")
        let connectStart = ContinuousClock.now
        var links: [WebSocketLink] = []
        for d in 0..<devices {
            let url = URL(string: "ws://127.0.0.1:\(port)/api/ws?deviceId=load-\(run)-\(d)&organizationId=\(organizations[d / devicesPerOrganization])&isHardware=true&ack=1")!
            links.append(try await WebSocketLink.connect(to: url, headers: [(ConnectionParameters.secretHeader, secrets[d])],
                                                         timeout: .seconds(30)))
        }
        let connectSeconds = seconds(ContinuousClock.now - connectStart)
        let connected = links, roster = students
        let dashboard = try await WebSocketLink.connect(
            to: URL(string: "ws://127.0.0.1:\(port)/api/ws?deviceId=load-\(run)-0&organizationId=\(organizations[0])&isHardware=false")!,
            headers: [("Sec-WebSocket-Protocol", "streaktrack, bearer.\(token)")])

        let tally = Tally()
        let deadline = ContinuousClock.now + .seconds(maxSeconds)
        let eventsPerDevice = eventsPerDevice, frameRate = frameRate
        let timestamp = AttendanceTimestamp.string(from: Date())
        let runStart = ContinuousClock.now
        let frame = DeviceMessage.liveStream(frame: String(repeating: "A", count: frameBytes)).text
        let streamer = Task {
            while ContinuousClock.now < deadline && !Task.isCancelled {
                try? await connected[0].send(text: frame)
                try? await Task.sleep(for: .milliseconds(1000 / frameRate))
            }
        }
        let watcher = Task {
            for await message in dashboard.messages {
                if case .text(let text) = message, text.hasPrefix(#"{"type":"live_stream""#) { tally.frames.withLock { $0 += 1 } }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (d, link) in connected.enumerated() {
                group.addTask {
                    var iterator = link.messages.makeAsyncIterator()
                    _ = await iterator.next()  // the roster
                    for e in 0..<eventsPerDevice {
                        let studentId = roster[d * eventsPerDevice + e]
                        let sighting = Sighting(name: "Student", enrollmentNo: "LOAD", deviceId: "load-\(run)-\(d)", studentId: studentId, timestamp: timestamp)
                        let sent = ContinuousClock.now
                        try await link.send(text: DeviceMessage.attendance(sighting, eventId: "load-\(d)-\(e)").text)
                        while let message = await iterator.next() {
                            if case .text(let text) = message, text.contains(#""eventId":"load-\#(d)-\#(e)""#) { break }
                            guard ContinuousClock.now < deadline else { return }
                        }
                        let elapsed = seconds(ContinuousClock.now - sent) * 1000
                        tally.latencies.withLock { $0.append(elapsed) }
                        try await Task.sleep(for: .milliseconds(Int.random(in: 50...250)))
                    }
                }
            }
            try await group.waitForAll()
        }
        let runSeconds = seconds(ContinuousClock.now - runStart)
        streamer.cancel()
        try? await Task.sleep(for: .milliseconds(300))
        for link in links { await link.abort() }
        await dashboard.close()
        watcher.cancel()

        let sorted = tally.latencies.withLock { $0.sorted() }
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))] }
        let sentFrames = Int(runSeconds * Double(frameRate))
        print("""

        devices connected          \(devices) in \(String(format: "%.2f", connectSeconds)) s
        attendance acknowledged    \(sorted.count) of \(devices * eventsPerDevice) in \(String(format: "%.2f", runSeconds)) s (\(String(format: "%.0f", Double(sorted.count) / runSeconds))/s)
        ack latency (ms)           p50 \(String(format: "%.1f", percentile(0.5)))  p90 \(String(format: "%.1f", percentile(0.9)))  p99 \(String(format: "%.1f", percentile(0.99)))  max \(String(format: "%.1f", sorted.last ?? .nan))
        live frames to dashboard   \(tally.frames.withLock { $0 }) received of about \(sentFrames) sent (\(frameBytes) bytes each, \(frameRate)/s)
        """)
    }

    /// A text field of an answer, or an error naming it (the API changed under the load generator).
    private func field(_ name: String, of object: [String: Any]) throws -> String {
        guard let value = object[name] as? String else { throw ValidationError("no \(name) in the server's answer: \(object)") }
        return value
    }

    private func post(_ url: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 201 else {
            throw ValidationError("\(url) answered \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// What the run counts, shared by its tasks.
final class Tally: Sendable {
    let latencies = Mutex<[Double]>([])
    let frames = Mutex(0)
}
