import BackendStore
import DeviceAgent
import FaceEngine
import Foundation
import StreakTrackProtocol
import Synchronization
import TestSupport
import Testing

/// A device syncing from our real backend over loopback: the descriptors
/// enrolment computed come with the roster and are stored as they came, without
/// a download or an encoding; a descriptor of other models, or a malformed one,
/// is encoded instead; the original roster, without them, syncs as before.
@Suite("Roster sync with our backend's descriptors")
struct RosterDescriptorTests {
    static let photos = ["Barack Obama": "barack_obama/1.jpg", "Joe Biden": "joe_biden/1.jpg", "John Salley": "john_salley/1.jpg"]

    /// A real server with a school whose students were enrolled through the REST API,
    /// every photo checked (and its descriptor computed) by the face engine; student ids by name.
    /// door-1 is registered: a new connection with its secret takes over from the last.
    func school() async throws -> (RunningServer, String, [String: String], String) {
        let server = try await RunningServer.start(.sqlite)
        let organizationId = try await server.stores.roster.addOrganization(name: "Springfield High").id
        let secret = try await server.register(device: "door-1", organization: organizationId)
        var ids: [String: String] = [:]
        for (number, (name, photo)) in Self.photos.sorted(by: { $0.key < $1.key }).enumerated() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.face(photo))).base64EncodedString()
            let added = try await server.http.request("POST", "/api/students", json: [
                "organizationId": organizationId, "name": name, "enrollmentNo": "S\(number)", "photos": [bytes]])
            try #require(added.status == 201, "\(added.text)")
            ids[name] = try #require(((try added.json() as? [String: Any])?["student"] as? [String: Any])?["_id"] as? String)
        }
        return (server, organizationId, ids, secret)
    }

    /// The roster door-1 gets on connecting.
    func rosterText(from server: RunningServer, organizationId: String, secret: String?) async throws -> String {
        let device = try await server.device("door-1", organization: organizationId, secret: secret)
        let text = try #require(try await device.next())
        await device.close()
        return text
    }

    func read(_ text: String) throws -> Roster {
        guard case .message(.roster(let roster)) = ServerMessage.read(try JSONObject(parsing: text)) else {
            throw AgentError("not a roster: \(text.prefix(200))")
        }
        return roster
    }

    /// Every stored result, by student and photo.
    func contents(of store: FaceStore, _ roster: Roster) async throws -> [String: FaceStore.PhotoRecord] {
        var records: [String: FaceStore.PhotoRecord] = [:]
        for student in roster.students {
            for url in student.images.map(PhotoLink.identity) {
                records[student.id + " " + url] = try await store.record(studentId: student.id, url: url)
            }
        }
        return records
    }

    @Test func descriptorsFromOurBackendAreTakenWithoutDownloadingOrEncoding() async throws {
        let (server, organizationId, ids, secret) = try await school()
        defer { Task { await server.stop() } }

        // The device's own link reads the roster.
        let directory = try Fixtures.scratchDirectory()
        let config = directory + "/config.json"
        try Data(#"""
            {"website_url":"ws://127.0.0.1:\#(server.port)","deviceId":"door-1","organizationId":"\#(organizationId)","deviceSecret":"\#(secret)"}
            """#.utf8).write(to: URL(fileURLWithPath: config))
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: AttendanceTimestamp.day(of: Date()))
        let rosters = Mutex<[Roster]>([])
        let link = BackendLink(configuration: try AgentConfiguration.load(path: config), ledger: ledger) { event in
            if case .roster(let roster, _) = event { rosters.withLock { $0.append(roster) } }
        }
        let running = Task { await link.run() }
        try await waitUntil { !rosters.withLock { $0 }.isEmpty }
        running.cancel()
        await running.value
        await ledger.close()
        let roster = try #require(rosters.withLock { $0.first })
        #expect(roster.students.count == 3 && roster.students.allSatisfy { $0.descriptors.count == 1 })

        let store = try await FaceStore(directory: directory)
        let downloader = RosterSyncTests.CountingDownloader(HTTPPhotoDownloader(timeout: 5))
        let sync = RosterSync(store: store, models: await Fixtures.engine.models, downloader: downloader)
        let report = try await sync.run(roster)
        #expect(report.photos == 3 && report.received == 3 && report.encoded == 0 && report.reused == 0 && report.problems.isEmpty)
        #expect(downloader.count.withLock { $0 } == 0, "no photo was requested from the server")

        // The descriptor face_recognition computes, labelled with the right student.
        let reference = try #require(ReferenceDescriptors.shared.images["barack_obama/1.jpg"]?.faces.first?.descriptor)
        let nearest = try #require(try await store.index().nearest(to: try FaceDescriptor(reference.map(Float.init))))
        #expect(nearest.label == ids["Barack Obama"] && nearest.distance < 1e-3)

        // What the device would have stored by downloading and encoding, to the bit (the photo's digest too).
        let encodedStore = try await FaceStore(directory: try Fixtures.scratchDirectory())
        let withoutDescriptors = Roster(students: roster.students.map {
            RosterStudent(id: $0.id, name: $0.name, enrollmentNo: $0.enrollmentNo, images: $0.images)
        })
        let encoded = try await RosterSync(store: encodedStore, models: await Fixtures.engine.models, downloader: downloader)
            .run(withoutDescriptors)
        #expect(encoded.encoded == 3 && encoded.received == 0 && downloader.count.withLock { $0 } == 3)
        #expect(try await contents(of: store, roster) == contents(of: encodedStore, roster))
        await encodedStore.close()

        // Connecting again (links signed anew): everything is kept, nothing fetched.
        let again = try await sync.run(try read(try await rosterText(from: server, organizationId: organizationId, secret: secret)))
        #expect(again.reused == 3 && again.received == 0 && again.encoded == 0)
        #expect(downloader.count.withLock { $0 } == 3)
        await store.close()
    }

    @Test func aDescriptorOfOtherModelsOrAMalformedOneIsEncodedInstead() async throws {
        let (server, organizationId, ids, secret) = try await school()
        defer { Task { await server.stop() } }
        let text = try await rosterText(from: server, organizationId: organizationId, secret: secret)
        var roster = try read(text)
        #expect(text.contains(#""descriptors":[{"model":"\#(FaceModelFiles.descriptorIdentity)","values":""#))

        // Obama's descriptor is from other models, Biden's holds a NaN, Salley's is cut short on the wire.
        let notANumber = (0..<128).flatMap { withUnsafeBytes(of: ($0 == 5 ? Float.nan : 0.1).bitPattern.littleEndian, Array.init) }
        for index in roster.students.indices {
            let given = try #require(roster.students[index].descriptors.first ?? nil)
            switch roster.students[index].name {
            case "Barack Obama": roster.students[index].descriptors = [.init(model: "cnn+shape_predictor_68:other", bytes: given.bytes)]
            case "Joe Biden": roster.students[index].descriptors = [.init(model: given.model, bytes: notANumber, sha256: given.sha256)]
            default: break
            }
        }
        let values = Data(try #require(roster.students.first { $0.name == "John Salley" }?.descriptors.first??.bytes)).base64EncodedString()
        roster = try read(ServerMessage.roster(roster).text.replacingOccurrences(of: values, with: String(values.prefix(600))))
        #expect(roster.students.first { $0.name == "John Salley" }?.descriptors.isEmpty == true, "a short descriptor is none")
        #expect(roster.students.first { $0.name == "Joe Biden" }?.descriptors.count == 1, "128 values on the wire; the device checks them")

        let store = try await FaceStore(directory: try Fixtures.scratchDirectory())
        let downloader = RosterSyncTests.CountingDownloader(HTTPPhotoDownloader(timeout: 5))
        let report = try await RosterSync(store: store, models: await Fixtures.engine.models, downloader: downloader).run(roster)
        #expect(report.received == 0 && report.encoded == 3 && report.problems.isEmpty)
        #expect(downloader.count.withLock { $0 } == 3)
        let index = try await store.index()
        #expect(index.count == 3 && (0..<index.count).allSatisfy { index.descriptor(at: $0).values.allSatisfy(\.isFinite) })
        let reference = try #require(ReferenceDescriptors.shared.images["joe_biden/1.jpg"]?.faces.first?.descriptor)
        let nearest = try #require(index.nearest(to: try FaceDescriptor(reference.map(Float.init))))
        #expect(nearest.label == ids["Joe Biden"] && nearest.distance < 1e-3)
        await store.close()
    }

    @Test func theOriginalRosterWithoutDescriptorsStillSyncs() async throws {
        // A photo kept without a descriptor (as before enrolment checked photos): the original's roster, byte for byte.
        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await SampleSchool.create(in: server.stores)
        let secret = try await server.register(device: "door-1", organization: school.organizationId)
        let text = try await rosterText(from: server, organizationId: school.organizationId, secret: secret)
        let link = try #require(text.firstMatch(of: /"images":\["([^"]+)"\]/)?.1)
        #expect(text == #"{"students":[{"_id":"\#(school.studentId)","name":"Asha Verma","enrollmentNo":"0801CS211","images":["\#(link)"]}]}"#)

        let store = try await FaceStore(directory: try Fixtures.scratchDirectory())
        let downloader = RosterSyncTests.CountingDownloader(HTTPPhotoDownloader(timeout: 5))
        let sync = RosterSync(store: store, models: await Fixtures.engine.models, downloader: downloader)
        let first = try await sync.run(try read(text))
        #expect(first.encoded == 1 && first.received == 0 && downloader.count.withLock { $0 } == 1)
        let again = try await sync.run(try read(try await rosterText(from: server, organizationId: school.organizationId, secret: secret)))
        #expect(again.reused == 1 && again.encoded == 0 && downloader.count.withLock { $0 } == 1)
        #expect(try await store.index().labels == [school.studentId])
        await store.close()
    }
}
