import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// Who may connect, see and mark, against a server started as the README says:
/// closed by default, the original's open devices only when asked for.
@Suite("Access: closed by default")
struct AccessTests {
    @Test(arguments: StoreKind.allCases)
    func onlyRegisteredDevicesAndSignedInDashboardsGetIn(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let organization = school.organizationId
        let secret = try await server.register(device: "door-1", organization: organization)
        _ = try await server.register(device: "old-pi", organization: organization, admitWithoutSecret: true)

        // Posing as a device: the organization id is in every config.json, but that is not enough.
        let refused: [(String, String?, String)] = [
            ("impostor-1", nil, #"{"error":"Device impostor-1 is not registered."}"#),
            ("door-1", nil, #"{"error":"Device door-1 must present its secret."}"#),
            ("door-1", "wrong", #"{"error":"Device door-1 presented a wrong secret."}"#),
        ]
        for (id, given, error) in refused {
            let socket = try await server.device(id, organization: organization, secret: given)
            #expect(try await socket.next() == error)
            #expect(try await socket.closeCode() == 1008)
        }
        #expect(try await server.stores.devices.device(DeviceKey("impostor-1", of: organization)) == nil, "a refused connection leaves no device behind")

        // Dashboards: no token, a wrong one, or one in the URL (which proxies log) are all refused.
        let anonymous = try await server.anonymousDashboard(watching: "door-1", organization: organization)
        let wrong = try await server.anonymousDashboard(watching: "door-1", organization: organization,
                                                        headers: ["Sec-WebSocket-Protocol": "streaktrack, bearer.nope"])
        let inTheURL = try await server.socket("deviceId=door-1&organizationId=\(organization)&isHardware=false&token=\(server.adminToken)")
        for socket in [anonymous, wrong, inTheURL] {
            #expect(try await socket.next() == #"{"error":"Unauthorized"}"#)
            #expect(try await socket.closeCode() == 1008)
        }
        let dashboard = try await server.dashboard(watching: "door-1", organization: organization)

        // The registered device with its secret, and the original device allowed in without one, mark.
        let device = try await server.device("door-1", organization: organization, secret: secret)
        #expect(try await device.next()?.hasPrefix(#"{"students":["#) == true)
        try await device.send(school.attendance())
        #expect(try await dashboard.next() == school.attendance(), "the signed-in dashboard sees the mark")
        let original = try await server.device("old-pi", organization: organization)
        #expect(try await original.next()?.hasPrefix(#"{"students":["#) == true)
        try await original.send(school.attendance(timestamp: "2026-11-25 08:00:00", device: "old-pi"))
        try await waitUntil {
            try await server.stores.attendance.records(organizationId: organization, from: "2026-11-24", to: "2026-11-25").count == 2
        }
        for socket in [device, original, dashboard] { await socket.close() }
    }

    /// A device back from a crash or a lost network is admitted at once, not refused by the
    /// connection it left behind: its secret proves it is itself. Without a secret, the
    /// original's "already connected" rule stands.
    @Test func aDeviceWithItsSecretTakesThePlaceOfItsStaleConnection() async throws {
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let secret = try await server.register(device: "door-1", organization: school.organizationId)
        _ = try await server.register(device: "old-pi", organization: school.organizationId, admitWithoutSecret: true)
        let stale = try await server.device("door-1", organization: school.organizationId, secret: secret)
        _ = try await stale.next()
        let again = try await server.device("door-1", organization: school.organizationId, secret: secret)
        #expect(try await again.next()?.hasPrefix(#"{"students":["#) == true, "admitted at once")
        try await waitUntil { !stale.isOpen }  // the stale connection is closed
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await server.stores.devices.device(DeviceKey("door-1", of: school.organizationId))?.online == true, "still online: its old connection's end changes nothing")
        try await again.send(school.attendance())
        try await waitUntil { try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1 }

        let original = try await server.device("old-pi", organization: school.organizationId)
        _ = try await original.next()
        let second = try await server.device("old-pi", organization: school.organizationId)
        #expect(try await second.next() == #"{"error":"Device old-pi is already connected."}"#)
        #expect(original.isOpen)
        for socket in [again, original] { await socket.close() }
    }

    @Test func aWebPageElsewhereCannotActAsADeviceOrADashboard() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let evil = ["Origin": "http://evil.example"]
        let dashboard = try await server.dashboard(watching: "door-1", organization: school.organizationId, headers: evil)
        let device = try await server.device("door-1", organization: school.organizationId, headers: evil)
        for socket in [dashboard, device] {
            #expect(try await socket.next() == #"{"error":"Origin not allowed"}"#, "cross-site WebSocket hijacking")
            #expect(try await socket.closeCode() == 1008)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func openDevicesAdmitsUnknownIdsButNeverARegisteredOne(kind: StoreKind) async throws {
        let server = try await RunningServer.start(kind, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let secret = try await server.register(device: "door-1", organization: school.organizationId)

        // The original backend's behaviour, asked for: an unknown id gets the roster and marks...
        let anyone = try await server.device("anything", organization: school.organizationId)
        #expect(try await anyone.next()?.hasPrefix(#"{"students":["#) == true)
        try await anyone.send(school.attendance(device: "anything"))
        try await waitUntil { try await server.stores.attendance.records(organizationId: school.organizationId, day: "2026-11-24").count == 1 }
        #expect(try await server.stores.devices.device(DeviceKey("anything", of: school.organizationId)) == nil, "but leaves no device row")
        let listed = try #require(try await server.http.get("/api/devices?organizationId=\(school.organizationId)").json() as? [[String: Any]])
        #expect(listed.contains { $0["id"] as? String == "anything" && $0["registered"] as? Bool == false && $0["online"] as? Bool == true })

        // ...while a registered device's id cannot be taken without its secret, and the real one still gets in.
        let impostor = try await server.device("door-1", organization: school.organizationId)
        #expect(try await impostor.next() == #"{"error":"Device door-1 must present its secret."}"#)
        let real = try await server.device("door-1", organization: school.organizationId, secret: secret)
        #expect(try await real.next()?.hasPrefix(#"{"students":["#) == true)
        // Dashboards still need a user.
        let anonymous = try await server.anonymousDashboard(watching: "door-1", organization: school.organizationId)
        #expect(try await anonymous.next() == #"{"error":"Unauthorized"}"#)
        for socket in [anyone, real] { await socket.close() }
    }

    @Test func photosGoOnlyToSignedLinksOrTheAdmin() async throws {
        let server = try await RunningServer.start(.sqlite, openDevices: true)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        let roster = try #require(try await device.next())
        let link = String(try #require(roster.firstMatch(of: /"images":\["http:\/\/127\.0\.0\.1:\d+([^"]+)"\]/)?.1))
        let anonymous = server.anonymousHTTP

        let signed = try await anonymous.get(link)
        #expect(signed.status == 200 && Array(signed.body) == SampleSchool.photo)
        #expect(signed.headers["cache-control"] == "private, max-age=3600", "no shared cache keeps a child's photo")
        let bare = try await anonymous.get("/photos/\(school.photoId)")
        #expect(bare.status == 401 && bare.text.contains("signed link"))
        let tampered = link.replacingOccurrences(of: "for=door-1", with: "for=door-2")
        #expect(try await anonymous.get(tampered).status == 403, "the signature covers who the link is for")
        let otherPhoto = link.replacingOccurrences(of: school.photoId, with: ObjectID.make())
        #expect(try await anonymous.get(otherPhoto).status == 403, "and which photo")
        #expect(try await server.http.get("/photos/\(school.photoId)").status == 200, "the admin needs no link")
        await device.close()
    }

    @Test func anExpiredPhotoLinkIsRefused() async throws {
        // Links that expired two hours ago the moment they were made.
        let server = try await RunningServer.start(.sqlite, openDevices: true) { $0.photoLinkLifetime = .seconds(-7200) }
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let device = try await server.device("door-1", organization: school.organizationId)
        let roster = try #require(try await device.next())
        let link = String(try #require(roster.firstMatch(of: /"images":\["http:\/\/127\.0\.0\.1:\d+([^"]+)"\]/)?.1))
        let reply = try await server.anonymousHTTP.get(link)
        #expect(reply.status == 403 && reply.text.contains("expired"), "\(reply.text)")
        await device.close()
    }
}
