import FaceEngine
import Foundation
import TestSupport
import Testing

/// The engine from many tasks at once, as the device uses it (roster photos
/// encoded in parallel while frames are recognised): the same answers as one at
/// a time, and never more copies of the networks than workers.
@Suite("Face engine used concurrently")
struct ConcurrentUseTests {
    @Test func manyTasksGetTheSameAnswersFromTwoWorkers() async throws {
        let engine = try FaceEngine(workers: 2)
        let photos = ["barack_obama/1.jpg", "joe_biden/1.jpg", "john_salley/1.jpg", "_groups/obama_biden_blue_room.jpg"]
            .filter { FileManager.default.fileExists(atPath: Fixtures.face($0)) }
        try #require(photos.count >= 3)
        let images = try photos.map { try Fixtures.image($0) }
        var oneAtATime: [[Face]] = []
        for image in images { oneAtATime.append(try await engine.faces(in: image)) }
        #expect(engine.workerCount == 1, "one job at a time needs one worker")

        let rounds = 4
        let together = try await withThrowingTaskGroup(of: (Int, [Face]).self) { group in
            for job in 0..<(images.count * rounds) {
                let index = job % images.count
                group.addTask { (index, try await engine.faces(in: images[index])) }
            }
            return try await group.reduce(into: [(Int, [Face])]()) { $0.append($1) }
        }
        #expect(together.count == images.count * rounds)
        for (index, faces) in together {
            #expect(faces.map(\.box) == oneAtATime[index].map(\.box), "\(photos[index])")
            #expect(faces.map(\.descriptor) == oneAtATime[index].map(\.descriptor), "\(photos[index]): bit for bit")
        }
        #expect(engine.workerCount == 2, "the models were copied once per worker, not per job")
    }
}
