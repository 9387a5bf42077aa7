import BackendStore
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The stores, on SQLite and on PostgreSQL, with the same expectations.
@Suite("Backend stores")
struct StoreTests {
    static let jpeg: [UInt8] = Array(try! Data(contentsOf: URL(fileURLWithPath: Fixtures.face("john_salley/1.jpg"))))

    func sighting(_ student: String, at timestamp: String = "2026-11-24 09:01:07") -> Sighting {
        Sighting(name: "x", enrollmentNo: "x", deviceId: "door-1", studentId: student, timestamp: timestamp)
    }

    @Test(arguments: StoreKind.allCases)
    func rosterLifecycle(kind: StoreKind) async throws {
        let stores = try await kind.openFresh()
        defer { Task { await stores.database.close() } }
        let school = try await stores.roster.addOrganization(name: "Springfield High")
        #expect(ObjectID.isValid(school.id))
        let before = try await stores.roster.rosterVersions()[school.id]
        let asha = try await stores.roster.addStudent(organizationId: school.id, name: "Asha Verma", enrollmentNo: "0801CS211",
                                                      photos: [try PhotoUpload(bytes: Self.jpeg)])
        #expect(asha.photoIds.count == 1)
        #expect(try await stores.roster.rosterVersions()[school.id]! > before!)
        await #expect(throws: StoreError.self) {
            try await stores.roster.addStudent(organizationId: school.id, name: "Other", enrollmentNo: "0801CS211")
        }
        let photoId = try await stores.roster.addPhoto(try PhotoUpload(bytes: Self.jpeg), studentId: asha.id)
        let stored = try #require(try await stores.roster.photo(photoId))
        #expect(stored.bytes == Self.jpeg && stored.contentType == "image/jpeg")

        let roster = try await stores.roster.roster(organizationId: school.id) { "http://server/photos/\($0)" }
        #expect(roster.students.count == 1)
        #expect(roster.students[0].images == asha.photoIds.map { "http://server/photos/\($0)" } + ["http://server/photos/\(photoId)"])

        try await stores.roster.removePhoto(photoId)
        #expect(try await stores.roster.photo(photoId) == nil)
        try await stores.roster.removeStudent(asha.id)
        #expect(try await stores.roster.students(organizationId: school.id).isEmpty)
        await #expect(throws: StoreError.self) { try await stores.roster.removeStudent(asha.id) }
    }

    @Test(arguments: StoreKind.allCases)
    func attendanceIsOnePerStudentPerDayAndEventsAreIdempotent(kind: StoreKind) async throws {
        let stores = try await kind.openFresh()
        defer { Task { await stores.database.close() } }
        let school = try await stores.roster.addOrganization(name: "S")
        let asha = try await stores.roster.addStudent(organizationId: school.id, name: "Asha", enrollmentNo: "1")
        let a = stores.attendance
        let first = try await a.record(sighting(asha.id), organizationId: school.id, deviceId: "door-1", eventId: "e1")
        #expect(first == .init(outcome: .stored, repeatedEvent: false))
        let resend = try await a.record(sighting(asha.id), organizationId: school.id, deviceId: "door-1", eventId: "e1")
        #expect(resend == .init(outcome: .stored, repeatedEvent: true), "a resent event is acknowledged with its first outcome")
        let otherDevice = try await a.record(sighting(asha.id, at: "2026-11-24 10:00:00"), organizationId: school.id,
                                             deviceId: "door-2", eventId: "e1")
        #expect(otherDevice.outcome == .alreadyMarked)
        let noEventId = try await a.record(sighting(asha.id), organizationId: school.id, deviceId: "door-1", eventId: nil)
        #expect(noEventId.outcome == .alreadyMarked)
        let nextDay = try await a.record(sighting(asha.id, at: "2026-11-25 08:00:00"), organizationId: school.id,
                                         deviceId: "door-1", eventId: "e2")
        #expect(nextDay.outcome == .stored)
        let stranger = try await a.record(sighting("65f0c1aaaaaaaaaaaaaaaaaa"), organizationId: school.id, deviceId: "door-1", eventId: "e3")
        #expect(stranger.outcome == .unknownStudent)
        let garbled = try await a.record(sighting(asha.id, at: "yesterday"), organizationId: school.id, deviceId: "door-1", eventId: nil)
        #expect(garbled.outcome == .invalidTimestamp)

        let day = try await a.records(organizationId: school.id, day: "2026-11-24")
        #expect(day.count == 1)
        #expect(day.first?.deviceId == "door-1" && day.first?.timestamp == "2026-11-24 09:01:07")
        #expect(day.first?.status == "present" && day.first?.method == "automatic" && day.first?.name == "Asha")
        #expect(try await a.records(organizationId: school.id, from: "2026-11-01", to: "2026-11-30").count == 2)
    }

    /// Many concurrent marks of the same student and day: exactly one record.
    @Test(arguments: StoreKind.allCases)
    func concurrentMarksNeverDouble(kind: StoreKind) async throws {
        let stores = try await kind.openFresh()
        defer { Task { await stores.database.close() } }
        let school = try await stores.roster.addOrganization(name: "S")
        let asha = try await stores.roster.addStudent(organizationId: school.id, name: "Asha", enrollmentNo: "1")
        let outcomes = try await withThrowingTaskGroup(of: AttendanceStore.Outcome.self) { group in
            for i in 0..<20 {
                group.addTask {
                    try await stores.attendance.record(self.sighting(asha.id), organizationId: school.id,
                                                       deviceId: "door-\(i % 3)", eventId: "event-\(i)").outcome
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .stored }.count == 1)
        #expect(try await stores.attendance.records(organizationId: school.id, day: "2026-11-24").count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func deviceAdmission(kind: StoreKind) async throws {
        let stores = try await kind.openFresh()
        defer { Task { await stores.database.close() } }
        let school = try await stores.roster.addOrganization(name: "S")
        let d = stores.devices
        // Closed: an unregistered id is refused; with open devices it gets in, but leaves no row.
        let anyone = DeviceKey("anyone", of: school.id), door = DeviceKey("door-1", of: school.id)
        #expect(try await d.admission(anyone, secret: nil, openDevices: false) == .refused("Device anyone is not registered."))
        #expect(try await d.admission(anyone, secret: nil, openDevices: true) == .unregistered)
        try await d.markOnline(anyone)
        #expect(try await d.device(anyone) == nil, "an unauthenticated connection creates no device")
        let secret = try await d.register(id: "door-1", organizationId: school.id, name: "Main door")
        for open in [false, true] {
            #expect(try await d.admission(door, secret: secret, openDevices: open) == .registered)
            #expect(try await d.admission(door, secret: "wrong", openDevices: open) == .refused("Device door-1 presented a wrong secret."))
            #expect(try await d.admission(door, secret: nil, openDevices: open)
                    == .refused("Device door-1 must present its secret."), "open devices never lets anyone take a registered id")
            #expect(try await d.admission(DeviceKey("door-1", of: ObjectID.make()), secret: secret, openDevices: open) != .registered,
                    "another organization's door-1 is another door")
        }
        // Ids are each organization's own: another school registers its own door-1, with its own secret.
        let other = try await stores.roster.addOrganization(name: "T")
        let otherSecret = try await d.register(id: "door-1", organizationId: other.id, name: "Their door")
        #expect(try await d.admission(DeviceKey("door-1", of: other.id), secret: otherSecret, openDevices: false) == .registered)
        #expect(try await d.admission(door, secret: otherSecret, openDevices: false) == .refused("Device door-1 presented a wrong secret."))
        await #expect(throws: StoreError.self) { _ = try await d.register(id: "door-1", organizationId: school.id, name: "Again") }
        #expect(try await d.devices(organizationId: other.id).map(\.name) == ["Their door"])
        try await d.setAdmitWithoutSecret(true, device: door)
        #expect(try await d.admission(door, secret: nil, openDevices: false) == .registered,
                "an original device, allowed in without a secret")
        #expect(try await d.admission(DeviceKey("door-1", of: other.id), secret: nil, openDevices: false) != .registered)
        try await d.markOnline(door)
        #expect(try await d.device(door)?.online == true)
        #expect(try await d.device(DeviceKey("door-1", of: other.id))?.online == false)
        try await d.markOffline(door)
        let offline = try #require(try await d.device(door))
        #expect(!offline.online && offline.lastSeen != nil)

        let token = try await stores.settings.resetAdminToken()
        #expect(try await stores.settings.isAdminToken(token))
        #expect(try await !stores.settings.isAdminToken(token + "x"))
    }

    /// Two schools' doors with one id are two doors: the same event id from each is two marks.
    @Test(arguments: StoreKind.allCases)
    func eventIdsAreEachDoorsOwnWithinItsOrganization(kind: StoreKind) async throws {
        let stores = try await kind.openFresh()
        defer { Task { await stores.database.close() } }
        var results: [AttendanceStore.Result] = []
        for name in ["S", "T"] {
            let school = try await stores.roster.addOrganization(name: name)
            let student = try await stores.roster.addStudent(organizationId: school.id, name: "Asha \(name)", enrollmentNo: "A1")
            _ = try await stores.devices.register(id: "door-1", organizationId: school.id, name: "Main door")
            results.append(try await stores.attendance.record(sighting(student.id), organizationId: school.id, deviceId: "door-1", eventId: "evt-1"))
            results.append(try await stores.attendance.record(sighting(student.id), organizationId: school.id, deviceId: "door-1", eventId: "evt-1"))
        }
        #expect(results.map(\.repeatedEvent) == [false, true, false, true], "each school's door-1 has its own events")
        #expect(results.allSatisfy { $0.outcome == .stored })
    }

    @Test func aHeaderClaimingBillionsOfPixelsIsRefusedNotMultipliedIntoACrash() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
            + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + Array("IEND".utf8) + [0, 0, 0, 0]
        #expect(png.count == 45)
        #expect(throws: StoreError(.invalid, "the photo is 4294967295x4294967295 pixels, more than the limit of 40000000")) {
            try PhotoUpload(bytes: png)
        }
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF]
        jpeg += [UInt8](repeating: 0, count: 12) + [0xFF, 0xD9]
        #expect(throws: StoreError(.invalid, "the photo is 65535x65535 pixels, more than the limit of 40000000")) {
            try PhotoUpload(bytes: jpeg)
        }
    }

    @Test func photoUploadChecks() throws {
        #expect(throws: StoreError.self) { try PhotoUpload(bytes: []) }
        #expect(throws: StoreError.self) { try PhotoUpload(bytes: Array("hello".utf8)) }
        #expect(throws: StoreError.self) { try PhotoUpload(bytes: Array(Self.jpeg.prefix(Self.jpeg.count / 2))) }
        #expect(throws: StoreError.self) { try PhotoUpload(bytes: Self.jpeg, maxBytes: 100) }
        #expect(throws: StoreError.self) { try PhotoUpload(bytes: Self.jpeg, maxPixels: 100) }
        let photo = try PhotoUpload(bytes: Self.jpeg)
        #expect(photo.width == 150 && photo.height == 150 && photo.format == .jpeg)
    }

    @Test func migrationsRunOnceAndSurviveReopening() async throws {
        let directory = try Fixtures.scratchDirectory()
        let first = try await BackendStores.open(.sqlite(dataDirectory: directory))
        let school = try await first.roster.addOrganization(name: "S")
        await first.database.close()
        let second = try await BackendStores.open(.sqlite(dataDirectory: directory))
        #expect(try await second.roster.organizations() == [school])
        await second.database.close()
    }

    /// Several servers starting at once on one new PostgreSQL schema: one creates and migrates
    /// it, the others wait and find it done; nobody fails, and every migration is recorded once.
    @Test func serversStartingTogetherOnOneDatabaseMigrateItOnce() async throws {
        let location = try StoreKind.postgres.freshLocation()
        let opened = try await withThrowingTaskGroup(of: BackendStores.self) { group in
            for _ in 0..<4 { group.addTask { try await BackendStores.open(location) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(opened.count == 4)
        let versions = try await opened[0].database.query("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0.integer("version") }
        #expect(!versions.isEmpty && versions == Array(Set(versions)).sorted(), "each migration once: \(versions)")
        // Each server makes the first organization when it finds none: together, they make one.
        let made = try await withThrowingTaskGroup(of: Organization?.self) { group in
            for stores in opened { group.addTask { try await stores.roster.addFirstOrganization(name: "My School") } }
            return try await group.reduce(into: []) { $0.append($1) }.compactMap { $0 }
        }
        #expect(made.count == 1, "\(made)")
        #expect(try await opened[3].roster.organizations() == made, "one store behind all four")
        for stores in opened { await stores.database.close() }
    }

    /// A wrong PostgreSQL URL fails when the store opens, saying why, instead of
    /// leaving the server waiting on a pool that retries for ever.
    @Test func anUnreachablePostgreSQLIsAClearErrorAtOnce() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["STREAKTRACK_TEST_POSTGRES_URL"], "run through scripts/test")
        var missingDatabase = try #require(URLComponents(string: url))
        missingDatabase.path = "/no_such_database"
        var stoppedServer = missingDatabase
        stoppedServer.port = try freePort()
        for (location, reason) in [(missingDatabase.string!, #"database "no_such_database" does not exist"#),
                                   (stoppedServer.string!, "refused")] {
            let started = ContinuousClock.now
            do {
                _ = try await BackendStores.open(.postgres(url: location, schema: nil))
                Issue.record("\(location) opened")
            } catch {
                let message = "\(error)"
                #expect(message.contains("cannot reach PostgreSQL") && message.contains(reason), "\(message)")
                #expect(!message.contains(":streaktrack@"), "the password is not printed: \(message)")
            }
            #expect(ContinuousClock.now - started < .seconds(60), "it gave up instead of retrying for ever")
        }
    }
}
