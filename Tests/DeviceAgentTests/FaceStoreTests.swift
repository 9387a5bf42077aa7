import DeviceAgent
import FaceEngine
import StreakTrackProtocol
import TestSupport
import Testing

@Suite("student_faces.db")
struct FaceStoreTests {
    static func descriptor(_ seed: Float) -> FaceDescriptor {
        try! FaceDescriptor((0..<128).map { Float($0) * 0.001 + seed })
    }

    @Test func rosterReplacementAndProvenance() async throws {
        let directory = try Fixtures.scratchDirectory()
        let store = try await FaceStore(directory: directory)
        let asha = RosterStudent(id: "a", name: "Asha", enrollmentNo: "1", images: ["http://s/1.jpg", "http://s/2.jpg"])
        let ravi = RosterStudent(id: "r", name: "Ravi", enrollmentNo: "2", images: ["http://s/3.jpg"])
        try await store.replaceRoster(Roster(students: [asha, ravi]))
        try await store.save(studentId: "a", url: "http://s/1.jpg", sha256: "h1", result: .encoded(Self.descriptor(0.1)))
        try await store.save(studentId: "a", url: "http://s/2.jpg", sha256: "h2", result: .noFace)
        try await store.save(studentId: "r", url: "http://s/3.jpg", sha256: "h3", result: .encoded(Self.descriptor(0.2)))
        #expect(try await store.record(studentId: "a", url: "http://s/1.jpg") == .init(url: "http://s/1.jpg", sha256: "h1",
                                                                                        result: .encoded(Self.descriptor(0.1))))
        #expect(try await store.record(studentId: "a", url: "http://s/2.jpg")?.result == .noFace)
        #expect(try await store.index().count == 2)

        // Ravi leaves, Asha's second photo is replaced: their rows go.
        let renamed = RosterStudent(id: "a", name: "Asha Verma", enrollmentNo: "1", images: ["http://s/1.jpg", "http://s/4.jpg"])
        try await store.replaceRoster(Roster(students: [renamed]))
        #expect(try await store.record(studentId: "a", url: "http://s/2.jpg") == nil)
        #expect(try await store.record(studentId: "r", url: "http://s/3.jpg") == nil)
        let index = try await store.index()
        #expect(index.count == 1 && index.labels == ["a"])
        await store.close()

        let reopened = try await FaceStore(directory: directory)
        #expect(try await reopened.students().map(\.name) == ["Asha Verma"])
        #expect(try await reopened.index().nearest(to: Self.descriptor(0.1))?.distance == 0)
        await reopened.close()
    }
}
