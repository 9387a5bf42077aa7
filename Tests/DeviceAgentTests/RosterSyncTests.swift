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
        let server = try await FileServer.start(serving: files)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"

        let asha = RosterStudent(id: "a", name: "Asha Verma", enrollmentNo: "1", images: ["\(base)/asha1.jpg", "\(base)/asha2.jpg", "\(base)/missing.jpg"])
        let ravi = RosterStudent(id: "r", name: "Ravi Kumar", enrollmentNo: "2", images: ["\(base)/ravi1.jpg", "\(base)/group.jpg"])
        let meera = RosterStudent(id: "m", name: "Meera Iyer", enrollmentNo: "3",
                                  images: ["\(base)/cat.jpg", "\(base)/text.jpg", "\(base)/cut.jpg", "\(base)/big.jpg"])
        let store = try await FaceStore(directory: try Fixtures.scratchDirectory())
        let downloader = CountingDownloader(HTTPPhotoDownloader(timeout: 5, maxBytes: 200_000))
        let sync = RosterSync(store: store, engine: await Fixtures.engine, downloader: downloader)

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
    }
}

/// `python3 -m http.server` on a free loopback port, serving a folder.
final class FileServer: Sendable {
    let port: Int
    private let process: Process

    static func start(serving directory: String) async throws -> FileServer {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: which("python3") ?? "/usr/bin/python3")
        process.arguments = ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", directory]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = FileServer(port: port, process: process)
        try await waitUntil {
            (try? await HTTPTestClient(base: "http://127.0.0.1:\(port)", token: nil).get("/")) != nil
        }
        return server
    }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    func stop() {
        process.terminate()
    }
}
