import ArgumentParser
import FaceEngine
import Foundation

/// `faces encode`: boxes, landmarks and descriptors of every face.
struct EncodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Print every face's box, five landmarks and 128-d descriptor.",
        discussion: "With --json, one JSON object per photo and line: path, width, height, faces.")

    @Argument(help: "Photos, or folders of photos.")
    var paths: [String]

    @Flag(help: "One JSON object per photo per line.")
    var json = false

    @Option(help: "Re-sample each face this many times and average (slower, slightly more accurate).")
    var jitters: Int = 1

    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engineOptions: EngineOptions

    struct PhotoFaces: Encodable {
        struct FaceRecord: Encodable {
            let box: [Int]
            let score: Double
            let landmarks: [[Int]]
            let descriptor: [Float]
        }

        let path: String
        let width: Int
        let height: Int
        let faces: [FaceRecord]
    }

    mutating func run() async throws {
        let engine = try engineOptions.engine(cnn: detection.model == .cnn)
        let detector = detection.detector
        let jitters = jitters
        let (files, unreadable) = ImageInputs.expand(paths)
        var failed = !unreadable.isEmpty
        unreadable.forEach { reportFailure("\($0): no such file or folder") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let asJSON = json
        await ImageInputs.process(files, width: engine.maxWorkers, work: { path in
            let image = try RGBImage(contentsOfFile: path)
            let faces = try await engine.faces(in: image, using: detector, jitters: jitters)
            return PhotoFaces(path: path, width: image.width, height: image.height, faces: faces.map {
                .init(box: [$0.box.top, $0.box.right, $0.box.bottom, $0.box.left], score: $0.score,
                      landmarks: $0.landmarks.points.map { [$0.x, $0.y] }, descriptor: $0.descriptor.values)
            })
        }, emit: { path, result in
            switch result {
            case .success(let photo):
                if asJSON, let data = try? encoder.encode(photo) {
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print("\(path): \(photo.width)x\(photo.height), \(photo.faces.count) face(s)")
                    for face in photo.faces {
                        print("  box \(face.box.map(String.init).joined(separator: ",")) score \(face.score)"
                              + " landmarks \(face.landmarks.map { "\($0[0]),\($0[1])" }.joined(separator: " "))")
                    }
                }
            case .failure(let error):
                failed = true
                reportFailure(error.readableMessage)
            }
        })
        if failed { throw partialFailure }
    }
}
