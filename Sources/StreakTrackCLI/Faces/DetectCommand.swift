import ArgumentParser
import FaceEngine

/// `faces detect`: face_recognition's `face_detection` command.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Print path,top,right,bottom,left for every face found.")

    @Argument(help: "Photos, or folders of photos.")
    var paths: [String]

    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engineOptions: EngineOptions

    mutating func run() async throws {
        let engine = try engineOptions.engine(cnn: detection.model == .cnn)
        let detector = detection.detector
        let (files, unreadable) = ImageInputs.expand(paths)
        var failed = !unreadable.isEmpty
        unreadable.forEach { reportFailure("\($0): no such file or folder") }
        await ImageInputs.process(files, width: engine.maxWorkers, work: { path in
            try await engine.locations(in: RGBImage(contentsOfFile: path), using: detector)
        }, emit: { path, result in
            switch result {
            case .success(let boxes): boxes.forEach { print("\(path),\($0)") }
            case .failure(let error):
                failed = true
                reportFailure(error.readableMessage)
            }
        })
        if failed { throw partialFailure }
    }
}
