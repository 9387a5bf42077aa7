import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The attacks a laptop on the school's network tried, each against a real
/// server over loopback: each refused with a clear answer, the server serving on.
@Suite("Hostile input")
struct HostileInputTests {
    /// A 45-byte PNG whose header claims 4,294,967,295 x 4,294,967,295 pixels.
    static let impossiblePNG: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 8, 2, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0, 0] + Array("IEND".utf8) + [0, 0, 0, 0]

    @Test func anImpossiblePNGHeaderIsRefusedAndTheServerServesOn() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let reply = try await server.http.request("POST", "/api/students", json: [
            "organizationId": school.organizationId, "name": "Ravi", "enrollmentNo": "2",
            "photos": [Data(Self.impossiblePNG).base64EncodedString()],
        ])
        #expect(reply.status == 400 && reply.text.contains("4294967295x4294967295 pixels"), "\(reply.text)")
        #expect(try await server.anonymousHTTP.get("/healthz").status == 200)
    }

    @Test func markingFieldsAreCheckedAtTheEdgeAndRejectedMarksLeaveNothing() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId, extra: "&ack=1")
        _ = try await device.next()
        let dashboard = try await server.dashboard(watching: "door-1", organization: school.organizationId)
        let asha = school.studentId
        func mark(_ student: String, timestamp: String, eventId: String) -> String {
            #"{"type":"attendance","student":{"name":"X","enrollmentNo":"1","deviceId":"door-1","studentId":"\#(student)","timestamp":"\#(timestamp)"},"eventId":"\#(eventId)"}"#
        }
        let rejected = [
            mark(asha, timestamp: #"2019-06-01 a\r=2+2"#, eventId: "bad-time"),
            mark(asha, timestamp: "2026-02-30 09:00:00", eventId: "no-such-day"),
            mark(asha, timestamp: "2026-11-24 24:00:00", eventId: "no-such-hour"),
            mark(asha, timestamp: "2026-11-24 09:00:00 and more", eventId: "trailing"),
            mark(ObjectID.make(), timestamp: "2026-11-24 09:00:00", eventId: "nobody"),
        ]
        for message in rejected {
            try await device.send(message)
            let eventId = try #require(message.firstMatch(of: /"eventId":"([^"]+)"/)?.1)
            #expect(try await device.next() == #"{"type":"ack","eventId":"\#(eventId)","status":"rejected"}"#, "\(message)")
        }
        // Too big to be a mark: rejected; an event id too long to keep: not even answered.
        try await device.send(mark(asha, timestamp: String(repeating: "9", count: 1 << 20), eventId: "huge"))
        #expect(try await device.next() == #"{"type":"ack","eventId":"huge","status":"rejected"}"#)
        try await device.send(mark(asha, timestamp: "2026-11-24 09:00:00", eventId: String(repeating: "e", count: 200_000)))
        try await device.send(mark(asha, timestamp: "2026-11-24 09:00:00", eventId: String(repeating: "e", count: 129)))
        try await device.send(mark(asha, timestamp: "2026-11-24 09:00:00", eventId: "good"))
        #expect(try await device.next() == #"{"type":"ack","eventId":"good","status":"stored"}"#, "the next real mark is the next answer")

        let events = try await server.stores.database.query("SELECT event_id FROM attendance_events")
        #expect(events.map { $0.text("event_id") } == ["good"], "rejected events are not kept")
        #expect(try await server.stores.attendance.records(organizationId: school.organizationId, from: "2000-01-01", to: "2100-01-01").count == 1)
        // Only the mark that counts reached the dashboard ("Nobody Fake" never shows).
        #expect(try await dashboard.next()?.contains(#""eventId":"good""#) == true)
        try await Task.sleep(for: .milliseconds(200))
        #expect(dashboard.pending.isEmpty, "\(dashboard.pending)")
        await device.close()
        await dashboard.close()
    }

    @Test func idsWithControlCharactersOrTooLongAreRefusedAtTheDoor() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let cases = [("evil%0Aforged%20line", "deviceId contains the control character U+A"),
                     ("%09door", "deviceId contains the control character U+9"),
                     (String(repeating: "d", count: 129), "deviceId is longer than 128 characters")]
        for (id, problem) in cases {
            let socket = try await server.socket("deviceId=\(id)&organizationId=\(school.organizationId)&isHardware=true")
            #expect(try await socket.next() == #"{"error":"Invalid connection parameters: \#(problem)"}"#)
            #expect(try await socket.closeCode() == 1008)
        }
        let devices = try await server.stores.database.query("SELECT id FROM devices")
        #expect(devices.isEmpty)
    }

    @Test func forwardedMessagesSpeakOnlyForTheirOwnDevice() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        _ = try await device.next()
        let watchingOne = try await server.dashboard(watching: "door-1", organization: school.organizationId)
        let watchingTwo = try await server.dashboard(watching: "door-2", organization: school.organizationId)

        // A sighting of somebody who is not a student is nobody's business.
        try await device.send(#"{"type":"detected","student":{"name":"Nobody Fake","enrollmentNo":"0","deviceId":"door-1","studentId":"\#(ObjectID.make())","timestamp":"2026-11-24 09:00:00"}}"#)
        // A mark claiming to come from door-2 is door-1's, and said so.
        try await device.send(school.attendance(device: "door-2"))
        let forwarded = try #require(try await watchingOne.next())
        #expect(forwarded == school.attendance(device: "door-1"), "rewritten under the socket's own id: \(forwarded)")
        // A frame naming another device is passed on as the protocol's two fields only.
        try await device.send(#"{"type":"live_stream","frame":"/9j/4AAQ","deviceId":"door-2"}"#)
        #expect(try await watchingOne.next() == #"{"type":"live_stream","frame":"/9j/4AAQ"}"#)
        try await Task.sleep(for: .milliseconds(200))
        #expect(watchingOne.pending.isEmpty && watchingTwo.pending.isEmpty, "\(watchingOne.pending) \(watchingTwo.pending)")
        for socket in [device, watchingOne, watchingTwo] { await socket.close() }
    }

    @Test func aReaderThatNeverReadsIsDisconnectedAndOthersCarryOn() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true) { $0.limits.maxQueuedBytesPerConnection = 256 << 10 }
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        _ = try await device.next()
        let stalled = try RawConnection(port: server.port, receiveBuffer: 4096)
        let answer = try await stalled.upgrade(path: "/api/ws?deviceId=door-1&organizationId=\(school.organizationId)&isHardware=false",
                                         headers: ["Sec-WebSocket-Protocol": "streaktrack, bearer.\(server.adminToken)"])
        #expect(answer.hasPrefix("HTTP/1.1 101"), "\(answer)")
        let reader = try await server.dashboard(watching: "door-1", organization: school.organizationId)
        // 7.5 MB of sightings (each under the 16 kB a message may have) for a reader that never reads:
        // more than the kernel's socket buffers (4 MB at most) and its 256 kB budget together hold.
        // They come in bursts the reading dashboard keeps up with.
        let sighting = school.attendance("detected").dropLast() + #","padding":"\#(String(repeating: "x", count: 15_000))"}"#
        var received = 0
        for _ in 0..<50 {
            for _ in 0..<10 { try await device.send(String(sighting)) }
            for _ in 0..<10 where (try? await reader.next(timeout: .seconds(10))) != nil { received += 1 }
        }
        #expect(received == 500, "a dashboard that reads gets every message")
        #expect(await stalled.drainUntilClosed(timeout: .seconds(10)), "the stalled one was closed")
        #expect(try await server.anonymousHTTP.get("/healthz").status == 200)
        await device.close()
        await reader.close()
    }

    @Test func connectionsAreLimitedPerAddressTimedOutAndAnsweredWhenTooLarge() async throws {
        let server = try await RunningServer.start(.sqlite) {
            $0.limits.maxConnectionsPerAddress = 5
            // Long enough that "closed at once" below cannot be the idle time-out, even on busy cores.
            $0.limits.idleTimeout = .seconds(15)
            $0.limits.bodyTimeout = .seconds(1)
        }
        defer { Task { await server.stop() } }
        // Half-sent requests from one laptop: five are held, then it gets no more.
        let halfSent = try (0..<5).map { _ in try RawConnection(port: server.port) }
        for connection in halfSent { try connection.send("GET /healthz HTT") }
        try await Task.sleep(for: .seconds(2))  // all five taken in before the sixth comes
        let sixth = try RawConnection(port: server.port)
        #expect(await sixth.drainUntilClosed(timeout: .seconds(8)), "over the per-address limit: closed at once")
        // Anyone else (another address) is still served while they hang.
        let other = try RawConnection(port: server.port, source: "127.0.0.2")
        let metrics = try await other.exchange("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(metrics.hasPrefix("HTTP/1.1 200") && metrics.contains("streaktrack_refused_connections_total 1"), "\(metrics)")
        // No head within the time-out: closed.
        var closed = true
        for connection in halfSent where !(await connection.drainUntilClosed(timeout: .seconds(30))) { closed = false }
        #expect(closed, "half-sent requests are dropped after the idle time-out")

        // A request line over the size limit gets 431, not silence.
        let long = try RawConnection(port: server.port)
        let answer = try await long.exchange("GET /healthz?x=\(String(repeating: "A", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(answer.hasPrefix("HTTP/1.1 431"), "\(answer.prefix(80))")
        // A body that never comes: 408 after the body time-out (shorter here than the idle one, which would close it too).
        let trickle = try RawConnection(port: server.port)
        let body = try await trickle.exchange("POST /api/organizations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(server.adminToken)\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"na", timeout: .seconds(12))
        #expect(body.hasPrefix("HTTP/1.1 408"), "\(body.prefix(80))")
    }

    @Test func webSocketsOutliveTheIdleTimeOut() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true) { $0.limits.idleTimeout = .seconds(1) }
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        _ = try await device.next()
        try await Task.sleep(for: .seconds(3))
        try await device.send(school.attendance())
        try await waitUntil { try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1 }
        #expect(device.isOpen, "an open socket is not an idle HTTP connection")
        await device.close()
    }

    @Test func everyResponseForbidsFramingAndSniffingAndHEADIsAnswered() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        for path in ["/", "/healthz", "/api/organizations", "/dashboard/app.js", "/nowhere"] {
            let reply = try await server.http.get(path)
            #expect(reply.headers["x-content-type-options"] == "nosniff", "\(path)")
            #expect(reply.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true, "\(path)")
        }
        for path in ["/", "/healthz"] {
            let head = try await server.anonymousHTTP.request("HEAD", path)
            #expect(head.status == 200 && head.body.isEmpty, "HEAD \(path)")
        }
    }
}
