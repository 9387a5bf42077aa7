import Foundation
import StreakTrackProtocol
import Synchronization
import WebSocketLink

/// A device as the agent behaves on the wire: marks with event ids and `ack=1`, every
/// unacknowledged mark sent again after a reconnection, reconnecting when the server goes
/// after the agent's back-off (`BackendLink.retryDelay`: 0.5–1 s, doubling while attempts
/// fail), streaming frames while a dashboard asks.
final class SimulatedDoor: Sendable {
    let deviceId: String
    let organizationId: String
    let secret: String
    let marks: [(eventId: String, studentId: String)]

    struct State {
        var acknowledged: [String: String] = [:]  // event id → status
        var acknowledgedAt: [String: ContinuousClock.Instant] = [:]
        var admissions: [ContinuousClock.Instant] = []
        var losses: [ContinuousClock.Instant] = []
        /// Closed with 1003, "Device X is already connected".
        var refusedAsConnected = 0
        var streaming = false
    }

    let state = Mutex(State())

    init(deviceId: String, organizationId: String, secret: String, marks: [(eventId: String, studentId: String)]) {
        self.deviceId = deviceId
        self.organizationId = organizationId
        self.secret = secret
        self.marks = marks
    }

    var allAcknowledged: Bool { state.withLock { $0.acknowledged.count == marks.count } }

    /// Connected until `stop`; the `i`th mark is due at `start + i * spacing`.
    func run(through endpoint: ServerCluster.Endpoint, start: @escaping @Sendable () -> ContinuousClock.Instant, spacing: Duration,
             until stop: @escaping @Sendable () -> Bool) async {
        let url = URL(string: "\(endpoint.base)/api/ws?deviceId=\(deviceId)&organizationId=\(organizationId)&isHardware=true&ack=1")!
        var failures = 0
        while !stop() {
            if failures > 0 {
                let ceiling = min(30.0, 1.0 * Double(1 << min(failures - 1, 5)))
                try? await Task.sleep(for: .seconds(ceiling * Double.random(in: 0.5...1.0)))
            }
            guard let link = try? await WebSocketLink.connect(to: url, headers: [(ConnectionParameters.secretHeader, secret)],
                                                              tls: endpoint.tls, timeout: .seconds(10)) else {
                failures += 1
                continue
            }
            let admissionsBefore = state.withLock { $0.admissions.count }
            await serve(link, start: start, spacing: spacing, until: stop)
            failures = state.withLock { $0.admissions.count } > admissionsBefore ? 1 : failures + 1
            if !stop() { state.withLock { $0.losses.append(.now) } }
        }
    }

    private func serve(_ link: WebSocketLink, start: @escaping @Sendable () -> ContinuousClock.Instant, spacing: Duration,
                       until stop: @escaping @Sendable () -> Bool) async {
        let admitted = Mutex(false)
        let reader = Task {
            for await message in link.messages {
                guard case .text(let text) = message, let object = try? JSONObject(parsing: text) else { continue }
                if object.has("students") {
                    admitted.withLock { $0 = true }
                    state.withLock { $0.admissions.append(.now) }
                }
                switch object.string("type") {
                case "ack":
                    if let eventId = object.string("eventId") {
                        state.withLock {
                            if $0.acknowledged[eventId] == nil { $0.acknowledgedAt[eventId] = .now }
                            $0.acknowledged[eventId] = object.string("status") ?? "stored"
                        }
                    }
                case "start_stream": state.withLock { $0.streaming = true }
                case "stop_stream": state.withLock { $0.streaming = false }
                default: break
                }
            }
        }
        var sentHere = Set<String>()
        var lastFrame = ContinuousClock.now
        while link.isOpen && !stop() {
            if admitted.withLock({ $0 }) {
                let acknowledged = state.withLock { $0.acknowledged }
                for (index, mark) in marks.enumerated() where acknowledged[mark.eventId] == nil && !sentHere.contains(mark.eventId)
                    && ContinuousClock.now >= start() + spacing * index {
                    let sighting = Sighting(name: "Student", enrollmentNo: mark.studentId, deviceId: deviceId, studentId: mark.studentId,
                                            timestamp: AttendanceTimestamp.string(from: Date()))
                    guard (try? await link.send(text: DeviceMessage.attendance(sighting, eventId: mark.eventId).text)) != nil else { break }
                    sentHere.insert(mark.eventId)
                }
                if state.withLock({ $0.streaming }), ContinuousClock.now - lastFrame >= .milliseconds(100) {
                    lastFrame = .now
                    try? await link.send(text: DeviceMessage.liveStream(frame: "/9j/" + String(repeating: "A", count: 2_000)).text)
                }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if link.closeCode == 1003 { state.withLock { $0.refusedAsConnected += 1 } }
        await link.abort()
        reader.cancel()
        _ = await reader.value
    }
}

/// A dashboard watching one device as the dashboard page does (live.js): every mark it
/// hears, every frame, every reconnection; it follows `device_elsewhere` (our extension) to
/// the instance named, and asks for the camera again when its door comes back.
final class SimulatedDashboard: Sendable {
    let deviceId: String
    let organizationId: String
    let token: String
    let wantsStream: Bool

    struct State {
        var marks: [String: ContinuousClock.Instant] = [:]  // student id → when heard
        var frames: [ContinuousClock.Instant] = []
        var connections: [ContinuousClock.Instant] = []
        var redirections = 0
    }

    let state = Mutex(State())

    init(deviceId: String, organizationId: String, token: String, wantsStream: Bool) {
        self.deviceId = deviceId
        self.organizationId = organizationId
        self.token = token
        self.wantsStream = wantsStream
    }

    func run(through endpoint: ServerCluster.Endpoint, until stop: @escaping @Sendable () -> Bool) async {
        var instance: String?
        while !stop() {
            var query = "deviceId=\(deviceId)&organizationId=\(organizationId)&isHardware=false&status=1"
            if let chosen = instance { query += "&instance=\(chosen)" }
            instance = nil
            guard let link = try? await WebSocketLink.connect(to: URL(string: "\(endpoint.base)/api/ws?\(query)")!,
                                                              headers: [("Sec-WebSocket-Protocol", "streaktrack, bearer.\(token)")],
                                                              tls: endpoint.tls) else {
                try? await Task.sleep(for: .milliseconds(250))
                continue
            }
            state.withLock { $0.connections.append(.now) }
            if wantsStream { try? await link.send(text: ServerMessage.startStream(targetDeviceId: deviceId).text) }
            let watchdog = Task {
                while !stop() && link.isOpen { try? await Task.sleep(for: .milliseconds(50)) }
                await link.abort()
            }
            for await message in link.messages {
                guard case .text(let text) = message, let object = try? JSONObject(parsing: text) else { continue }
                switch object.string("type") {
                case "attendance":
                    if let student = object.object("student")?.string("studentId") ?? object.string("studentId") {
                        state.withLock { if $0.marks[student] == nil { $0.marks[student] = .now } }
                    }
                case "live_stream": state.withLock { $0.frames.append(.now) }
                case "device_status":
                    // As the dashboard page does: a door that comes back is asked for its camera again.
                    if wantsStream, object.bool("online") == true {
                        try? await link.send(text: ServerMessage.startStream(targetDeviceId: deviceId).text)
                    }
                case "device_elsewhere":
                    instance = object.string("instance")
                    state.withLock { $0.redirections += 1 }
                    await link.abort()
                default: break
                }
            }
            watchdog.cancel()
            if instance == nil { try? await Task.sleep(for: .milliseconds(250)) }
        }
    }
}
