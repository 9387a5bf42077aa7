import BackendStore
import DeviceAgent
import EntranceClips
import FaceEngine
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

/// The whole device on a crowd at the back of the room: three people walk in
/// together and stand with faces of 50–60 pixels (two enrolled, one stranger),
/// rendered from the shared photos as the recognition benchmark renders its clips.
@Suite("Device on a crowd with small faces")
struct CrowdClipTests {
    static let crowd = EntranceScene(name: "three at the back", duration: 8,
                                     walkers: Array(EntranceClipSet.scenes[2].walkers.prefix(3)))

    @Test func bothEnrolledFacesOfFiftyPixelsAreMarkedOnceAndTheStrangerIsNot() async throws {
        let scene = Self.crowd
        #expect(scene.walkers.map(\.enrolled) == [true, true, false], "two enrolled people and a stranger")
        let widths = scene.walkers.compactMap { $0.face(at: 5)?.width }
        #expect(widths.count == 3 && widths.allSatisfy { (48...60).contains($0) }, "faces of 50–60 px while they stand: \(widths)")

        let server = try await RunningServer.start(.sqlite)
        defer { Task { await server.stop() } }
        let school = try await server.stores.roster.addOrganization(name: "Springfield High")
        let secret = try await server.register(device: "door-1", organization: school.id)
        var ids: [String: String] = [:]
        for walker in scene.walkers where walker.enrolled {
            let photo = try PhotoUpload(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("\(walker.identity)/\(EntranceClipSet.enrolmentPhoto)")))))
            ids[walker.identity] = try await server.stores.roster.addStudent(organizationId: school.id, name: walker.identity,
                                                                             enrollmentNo: walker.identity, photos: [photo]).id
        }

        let directory = try Fixtures.scratchDirectory()
        let camera = directory + "/camera"
        try FileManager.default.createDirectory(atPath: camera, withIntermediateDirectories: true)
        let cutouts = try await EntranceClipSet.cutouts(for: [scene], photos: Fixtures.sharedFaces, engine: await Fixtures.engine)
        let clip = try EntranceClip.render(scene, cutouts: cutouts)
        for (number, frame) in clip.frames.enumerated() {
            try Data(frame).write(to: URL(fileURLWithPath: String(format: "%@/%04d.jpg", camera, number)))
        }
        try Data("""
            {"website_url":"ws://127.0.0.1:\(server.port)","deviceId":"door-1","deviceSecret":"\(secret)","organizationId":"\(school.id)","camera":"\(camera)"}
            """.utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        let dashboard = try await server.dashboard(watching: "door-1", organization: school.id)
        let runtime = AgentRuntime(configuration: try AgentConfiguration.load(path: directory + "/config.json"),
                                   engine: await Fixtures.engine, output: SilentFeedback(), realTime: false)
        let summary = try await runtime.run()

        #expect(summary.frames == clip.frames.count)
        #expect(Set(summary.marks.keys) == Set(ids.values), "both enrolled people marked, the stranger not")
        var attendance: [String] = []
        while let text = (try? await dashboard.next(timeout: .milliseconds(500))) ?? nil {
            let object = try JSONObject(parsing: text)
            if object.string("type") == "attendance", let student = object.object("student")?.string("studentId") { attendance.append(student) }
        }
        #expect(attendance.sorted() == ids.values.sorted(), "each marked once")

        // What the device reports about itself: every frame taken, faces looked for in only some of them.
        let report = summary.recognition
        #expect(report.frames.decoded == clip.frames.count && report.frames.dropped == 0, "a recording played fast drops nothing")
        #expect(report.frames.lookedAt > 0 && report.frames.lookedAt <= report.frames.decoded)
        let decided = report.timeline.tracks.filter { $0.decidedFrame != nil }
        #expect(Set(decided.flatMap(\.decisions).map(\.who)).isSuperset(of: Set(ids.values)), "the timeline names who was decided")
        #expect(decided.allSatisfy { $0.describedFrames.count >= 2 && $0.decidedFrame! >= $0.firstFrame },
                "no face decided on fewer than two descriptions")
        #expect(report.timeline.descriptions.values.reduce(0, +) == report.timeline.tracks.map(\.describedFrames.count).reduce(0, +),
                "every description counted under why it was due")
        #expect((report.timeline.descriptions["undecided"] ?? 0) >= 2 * decided.count)
        #expect((report.cpuSecondsByStage["detection"] ?? 0) > 0 && (report.cpuSecondsByStage["landmarks+descriptors"] ?? 0) > 0)
    }
}
