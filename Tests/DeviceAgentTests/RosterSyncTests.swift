import DeviceAgent
import FaceEngine
import Foundation
import StreakTrackProtocol
import Synchronization
import TestSupport
import Testing

/// Roster photos fetched over real HTTP from a loopback file server, encoded by
/// the real models: good photos, a 404, a face-less one, a group photo, text
/// named .jpg, a truncated JPEG and one too large.
@Suite("Roster sync")
struct RosterSyncTests {
    /// Counts downloads, to show unchanged photos are not fetched again.
    final class CountingDownloader: PhotoDownloader {
        let inner: HTTPPhotoDownloader
        let count = Mutex(0)
        init(_ inner: HTTPPhotoDownloader) { self.inner = inner }
        func fetch(_ url: String) async throws -> [UInt8] {
            count.withLock { $0 += 1 }
            return try await inner.fetch(url)
        }
    }

    @Test func photosAreEncodedReportedAndKeptIncrementally() async throws {
        let files = try Fixtures.scratchDirectory()
        let copies = ["asha1.jpg": "barack_obama/1.jpg", "asha2.jpg": "barack_obama/2.jpg", "ravi1.jpg": "joe_biden/1.jpg",
                      "cat.jpg": "_nonfaces/cat.jpg", "group.jpg": "_groups/obama_biden_blue_room.jpg", "big.jpg": "_groups/bald_guys.jpg"]
        for (name, source) in copies { try FileManager.default.copyItem(atPath: Fixtures.face(source), toPath: files + "/" + name) }
        try Data("not a photo".utf8).write(to: URL(fileURLWithPath: files + "/text.jpg"))
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("joe_biden/2.jpg")))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: files + "/cut.jpg"))
        let server = try await TestFileServer.start(serving: files)
        defer { server.kill() }
        let base = "http://127.0.0.1:\(server.port)"

        let asha = RosterStudent(id: "a", name: "Asha Verma", enrollmentNo: "1", images: ["\(base)/asha1.jpg", "\(base)/asha2.jpg", "\(base)/missing.jpg"])
        let ravi = RosterStudent(id: "r", name: "Ravi Kumar", enrollmentNo: "2", images: ["\(base)/ravi1.jpg", "\(base)/group.jpg"])
        let meera = RosterStudent(id: "m", name: "Meera Iyer", enrollmentNo: "3",
                                  images: ["\(base)/cat.jpg", "\(base)/text.jpg", "\(base)/cut.jpg", "\(base)/big.jpg"])
        let store = try await FaceStore(directory: try Fixtures.scratchDirectory())
        let downloader = CountingDownloader(HTTPPhotoDownloader(timeout: 5, maxBytes: 200_000))
        let sync = RosterSync(store: store, models: await Fixtures.engine.models, downloader: downloader)

        let first = try await sync.run(Roster(students: [asha, ravi, meera]))
        #expect(first.photos == 9 && first.encoded == 3 && first.reused == 0)
        let reasons = Dictionary(first.problems.map { ($0.url.components(separatedBy: "/").last!, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons["missing.jpg"]?.contains("404") == true)
        #expect(reasons["group.jpg"] == "2 faces in the photo")
        #expect(reasons["cat.jpg"] == "no face in the photo")
        #expect(reasons["text.jpg"]?.contains("not a JPEG or PNG") == true)
        #expect(reasons["cut.jpg"]?.contains("truncated") == true)
        #expect(reasons["big.jpg"]?.contains("more than 200000") == true)
        #expect(first.unrecognisable == ["Meera Iyer"])

        // The real descriptor, as face_recognition computes it.
        let index = try await store.index()
        let reference = try #require(ReferenceDescriptors.shared.images["barack_obama/1.jpg"]?.faces.first?.descriptor)
        let nearest = try #require(index.nearest(to: try FaceDescriptor(reference.map(Float.init))))
        #expect(nearest.label == "a" && nearest.distance < 1e-3)

        // Again: only the failed photos are fetched again.
        let before = downloader.count.withLock { $0 }
        let second = try await sync.run(Roster(students: [asha, ravi, meera]))
        #expect(downloader.count.withLock { $0 } - before == 4, "missing, text, cut and big are retried; the rest are kept")
        #expect(second.reused == 5 && second.encoded == 0)

        // Ravi leaves: his descriptors go.
        _ = try await sync.run(Roster(students: [asha, meera]))
        #expect(Set(try await store.index().labels) == ["a"])
        await store.close()
        await server.stop()
    }
}

extension RosterSyncTests {
    /// A photo of Joe Biden filed under Asha, beside two of Barack Obama, while Ravi is enrolled
    /// with another photo of Joe Biden: the sync names both the photo to check and the pair.
    @Test func aPhotoOfSomeoneElseAndTheLookAlikesItMakesAreReported() async throws {
        let files = try Fixtures.scratchDirectory()
        for (name, source) in ["a1.jpg": "barack_obama/1.jpg", "a2.jpg": "barack_obama/2.jpg", "a3.jpg": "joe_biden/2.jpg", "r1.jpg": "joe_biden/1.jpg"] {
            try FileManager.default.copyItem(atPath: Fixtures.face(source), toPath: files + "/" + name)
        }
        let server = try await TestFileServer.start(serving: files)
        defer { server.kill() }
        let base = "http://127.0.0.1:\(server.port)"
        let asha = RosterStudent(id: "a", name: "Asha Verma", enrollmentNo: "1", images: ["a1.jpg", "a2.jpg", "a3.jpg"].map { "\(base)/\($0)" })
        let ravi = RosterStudent(id: "r", name: "Ravi Kumar", enrollmentNo: "2", images: ["\(base)/r1.jpg"])
        let store = try await FaceStore(directory: try Fixtures.scratchDirectory())
        let report = try await RosterSync(store: store, models: await Fixtures.engine.models, tolerance: 0.5).run(Roster(students: [asha, ravi]))
        #expect(report.encoded == 4)
        #expect(report.photosThatDisagree.map(\.photo) == [3] && report.photosThatDisagree.first?.student == "Asha Verma",
                "the photo of someone else, and only it: \(report.photosThatDisagree)")
        let pair = try #require(report.lookAlikes.first)
        #expect(report.lookAlikes.count == 1 && Set([pair.first, pair.second]) == ["Asha Verma", "Ravi Kumar"] && pair.distance < 0.5)
        await store.close()
        await server.stop()
    }
}

/// Photo hosts that misbehave on purpose: one that trickles its body, one that
/// redirects elsewhere; and our backend's links, signed anew on every roster.
@Suite("Roster sync against hostile photo hosts")
struct HostilePhotoHostTests {
    @Test func aTricklingBodyIsCutOffAndRedirectsStayAtHome() async throws {
        let files = try Fixtures.scratchDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.face("barack_obama/1.jpg"), toPath: files + "/asha.jpg")
        let server = try await TestFileServer.start(serving: files)
        defer { server.kill() }
        let downloader = HTTPPhotoDownloader(timeout: 3, maxBytes: 200_000)

        let started = ContinuousClock.now
        await #expect(throws: AgentError.self) { _ = try await downloader.fetch("\(server.base)/slow/asha.jpg") }
        let took = ContinuousClock.now - started
        #expect(took < .seconds(6), "the time limit covers the body too: \(took)")
        do { _ = try await downloader.fetch("\(server.base)/away/asha.jpg") } catch {
            #expect("\(error)".contains("redirected to another host"), "\(error)")
        }
        let home = try await downloader.fetch("\(server.base)/home/asha.jpg")
        #expect(home == Array(try Data(contentsOf: URL(fileURLWithPath: files + "/asha.jpg"))), "a redirect within the host is followed")
        await server.stop()
    }

    @Test func aLinkSignedAnewIsNotANewPhoto() async throws {
        let files = try Fixtures.scratchDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.face("barack_obama/1.jpg"), toPath: files + "/1.jpg")
        let server = try await TestFileServer.start(serving: files)
        defer { server.kill() }
        let store = try await FaceStore(directory: try Fixtures.scratchDirectory())
        let downloader = RosterSyncTests.CountingDownloader(HTTPPhotoDownloader(timeout: 5))
        let sync = RosterSync(store: store, models: await Fixtures.engine.models, downloader: downloader)
        func roster(expires: Int, signature: String) -> Roster {
            Roster(students: [RosterStudent(id: "a", name: "Asha", enrollmentNo: "1",
                                            images: ["\(server.base)/1.jpg?for=door-1&expires=\(expires)&signature=\(signature)"])])
        }
        #expect(try await sync.run(roster(expires: 1_000, signature: "aa")).encoded == 1)
        let again = try await sync.run(roster(expires: 2_000, signature: "bb"))
        #expect(again.reused == 1 && again.encoded == 0)
        #expect(downloader.count.withLock { $0 } == 1, "downloaded once")
        #expect(Set(try await store.index().labels) == ["a"])
        await store.close()
        await server.stop()
    }

    @Test func aStoppedTestServerIsGone() async throws {
        let server = try await TestFileServer.start(serving: try Fixtures.scratchDirectory())
        #expect(server.isRunning)
        await server.stop()
        #expect(!server.isRunning)
        #expect(kill(server.pid, 0) != 0, "reaped, not a zombie or an orphan")
    }
}
