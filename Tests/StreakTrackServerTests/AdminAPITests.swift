import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

@Suite("REST API, photos, health and metrics")
struct AdminAPITests {
    @Test(arguments: StoreKind.allCases)
    func rosterAndAttendanceThroughTheAPI(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind)
        defer { Task { await server.stop() } }
        let api = server.http
        #expect(try await server.anonymousHTTP.get("/api/organizations").status == 401)
        #expect(try await HTTPTestClient(base: api.base, token: "nope").get("/api/organizations").status == 401)

        let created = try await api.request("POST", "/api/organizations", json: ["name": "Springfield High"])
        #expect(created.status == 201)
        let organizationId = try #require((try created.json() as? [String: Any])?["id"] as? String)

        let photo = Data(SampleSchool.photo).base64EncodedString()
        let bad = try await api.request("POST", "/api/students", json: [
            "organizationId": organizationId, "name": "Asha", "enrollmentNo": "1", "photos": [Data("not a photo".utf8).base64EncodedString()],
        ])
        #expect(bad.status == 400)
        #expect(bad.text.contains("photo 1: the photo is not a JPEG or PNG image"), "\(bad.text)")
        let missing = try await api.request("POST", "/api/students", json: ["organizationId": organizationId])
        #expect(missing.status == 400 && missing.text.contains("lacks"))

        let student = try await api.request("POST", "/api/students", json: [
            "organizationId": organizationId, "name": "Asha, \"the\" Verma", "enrollmentNo": "=1+1", "photos": [photo, photo],
        ])
        #expect(student.status == 201, "\(student.text)")
        let body = try #require((try student.json() as? [String: Any])?["student"] as? [String: Any])
        let studentId = try #require(body["_id"] as? String)
        let images = try #require(body["images"] as? [String])
        #expect(images.count == 2 && images[0].hasPrefix("http://127.0.0.1:\(server.port)/photos/") && images[0].contains("for=dashboard"))
        let duplicate = try await api.request("POST", "/api/students", json: [
            "organizationId": organizationId, "name": "Other", "enrollmentNo": "=1+1",
        ])
        #expect(duplicate.status == 409)

        let photoReply = try await server.anonymousHTTP.get(String(images[0].dropFirst("http://127.0.0.1:\(server.port)".count)))
        #expect(photoReply.status == 200 && Array(photoReply.body) == SampleSchool.photo)
        #expect(try await server.anonymousHTTP.get("/photos/000000000000000000000000").status == 401, "no link, no token")
        #expect(try await api.get("/photos/000000000000000000000000").status == 404)

        let list = try #require(try await api.get("/api/students?organizationId=\(organizationId)").json() as? [String: Any])
        #expect(list["total"] as? Int == 1 && (list["students"] as? [Any])?.count == 1)

        _ = try await server.stores.attendance.record(
            .init(name: "", enrollmentNo: "", deviceId: "door-1", studentId: studentId, timestamp: "2026-11-24 09:01:07"),
            organizationId: organizationId, deviceId: "door-1", eventId: nil)
        let day = try await api.get("/api/attendance?organizationId=\(organizationId)&date=2026-11-24")
        let records = try #require(try day.json() as? [[String: Any]])
        #expect(records.count == 1 && records[0]["studentId"] as? String == studentId && records[0]["status"] as? String == "present")
        let csv = try await api.get("/api/attendance.csv?organizationId=\(organizationId)&from=2026-11-01&to=2026-11-30")
        #expect(csv.status == 200 && csv.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(csv.text == """
            date,time,student_id,name,enrollment_no,device_id,status,method\r
            2026-11-24,09:01:07,\(studentId),"Asha, ""the"" Verma",'=1+1,door-1,present,automatic\r

            """)
        #expect(try await api.get("/api/attendance?organizationId=\(organizationId)&date=24-11-2026").status == 400)

        #expect(try await api.request("DELETE", "/api/students/\(studentId)").status == 204)
        #expect(try await api.request("DELETE", "/api/students/\(studentId)").status == 404)
    }

    @Test func devicesThroughTheAPI() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let created = try await server.http.request("POST", "/api/devices", json: [
            "deviceId": "door-1", "organizationId": school.organizationId, "name": "Main door",
        ])
        #expect(created.status == 201)
        let reply = try #require(try created.json() as? [String: Any])
        let secret = try #require(reply["secret"] as? String)
        #expect(secret.count == 64)
        // A ready config.json for the device: where to connect, who it is, and its secret.
        let config = try #require(reply["config"] as? [String: String])
        #expect(config == ["website_url": "ws://127.0.0.1:\(server.port)", "deviceId": "door-1",
                           "organizationId": school.organizationId, "deviceSecret": secret])
        let listed = try #require(try await server.http.get("/api/devices?organizationId=\(school.organizationId)").json() as? [[String: Any]])
        #expect(listed.count == 1 && listed[0]["online"] as? Bool == false && listed[0]["hasSecret"] as? Bool == true)

        // Registering the id again would silently lock out the device holding config.json: refused.
        let again = try await server.http.request("POST", "/api/devices", json: ["deviceId": "door-1", "organizationId": school.organizationId])
        #expect(again.status == 409 && again.text.contains("new secret"), "\(again.text)")
        // A new secret is asked for on purpose: the old one stops working, the new one works.
        let renewed = try #require(try await server.http.request("POST", "/api/devices/door-1/secret?organizationId=\(school.organizationId)").json() as? [String: Any])
        let newSecret = try #require(renewed["secret"] as? String)
        #expect(newSecret != secret && (renewed["device"] as? [String: Any])?["name"] as? String == "Main door", "the rest is kept")
        let old = try await server.device("door-1", organization: school.organizationId, secret: secret)
        #expect(try await old.next() == #"{"error":"Device door-1 presented a wrong secret."}"#)
        let current = try await server.device("door-1", organization: school.organizationId, secret: newSecret)
        #expect(try await current.next()?.hasPrefix(#"{"students":["#) == true)
        await current.close()
        #expect(try await server.http.request("DELETE", "/api/devices/door-1?organizationId=\(school.organizationId)").status == 204)

        // Forms send a space in a query as "+"; a wrong value in a body is named.
        let found = try #require(try await server.http.get("/api/students?organizationId=\(school.organizationId)&q=Asha+Verma").json() as? [String: Any])
        #expect(found["total"] as? Int == 1)
        let badRole = try await server.http.request("POST", "/api/users", json: ["login": "x", "name": "X", "role": "boss",
                                                                                 "organizationId": school.organizationId])
        #expect(badRole.status == 400 && badRole.text.contains(#"\"role\""#), "\(badRole.text)")
    }

    @Test func healthMetricsAndDashboard() async throws {
        let server = try await RunningServer.start(.sqlite) { $0.instance = "web-1" }
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let health = try await server.anonymousHTTP.get("/healthz")
        #expect(health.status == 200 && health.text == #"{"status":"ok"}"#, "no detail for anyone")
        let detailed = try JSONObject(parsing: try await server.http.get("/healthz").text)
        #expect(detailed.string("status") == "ok" && detailed.string("store") == "sqlite" && detailed.string("instance") == "web-1",
                "the admin sees the store and the instance")
        #expect(detailed.string("version") == StreakTrackVersion.number && detailed.string("schema") == String(BackendStores.schemaVersion))
        let live = try await server.anonymousHTTP.get("/healthz/live")
        #expect(live.status == 200 && live.text == #"{"status":"alive"}"#)
        let exposition = try await server.anonymousHTTP.get("/metrics").text
        #expect(exposition.contains(#"streaktrack_instance_info{instance="web-1"} 1"#))
        #expect(exposition.contains(#"streaktrack_build_info{version="\#(StreakTrackVersion.number)",schema="\#(BackendStores.schemaVersion)"} 1"#), "\(exposition)")

        let secret = try await server.register(device: "door-1", organization: school.organizationId)
        let device = try await server.device("door-1", organization: school.organizationId, secret: secret)
        _ = try await device.next()
        try await device.send(school.attendance())
        try await device.send("{broken")
        try await waitUntil { try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1 }
        let metrics = try await server.anonymousHTTP.get("/metrics").text
        #expect(metrics.contains("streaktrack_connected_devices 1"))
        #expect(metrics.contains(#"streaktrack_attendance_marks_total{outcome="stored"} 1"#))
        #expect(metrics.contains(#"streaktrack_ws_messages_total{kind="malformed"} 1"#))
        #expect(metrics.contains("streaktrack_http_request_seconds_bucket"))
        await device.close()

        let page = try await server.anonymousHTTP.get("/")
        #expect(page.status == 200 && page.text.contains("/dashboard/app.js"))
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        #expect(try await server.anonymousHTTP.get("/dashboard/app.js").status == 200)
        #expect(try await server.anonymousHTTP.get("/dashboard/../Package.swift").status == 404)
    }

    @Test func originCheckForBrowserDashboards() async throws {
        let server = try await RunningServer.start(.sqlite) { $0.allowedOrigins = ["https://school.example"] }
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let foreign = try await server.dashboard(watching: "door-1", organization: school.organizationId,
                                                 headers: ["Origin": "https://evil.example"])
        #expect(try await foreign.next() == #"{"error":"Origin not allowed"}"#)
        #expect(try await foreign.closeCode() == 1008)
        for origin in ["https://school.example", "http://127.0.0.1:\(server.port)"] {
            let allowed = try await server.dashboard(watching: "door-1", organization: school.organizationId, extra: "&status=1",
                                                     headers: ["Origin": origin])
            #expect(try await allowed.next()?.contains("device_status") == true, "\(origin)")
            await allowed.close()
        }
    }
}
