import ArgumentParser
import FaceEngine
import Foundation

struct FacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Find, describe and identify faces in photos, as Python's face_recognition does.",
        subcommands: [DetectCommand.self, IdentifyCommand.self, EncodeCommand.self, EvaluateCommand.self, BenchCommand.self]
    )
}

/// Options every face command shares.
struct EngineOptions: ParsableArguments {
    @Option(name: .customLong("models"), help: ArgumentHelp(
        "Directory of the dlib model files (default: $STREAKTRACK_MODELS or ~/.cache/streaktrack/models).",
        valueName: "dir"))
    var modelDirectory: String?

    @Option(name: [.customLong("cpus"), .customLong("workers")],
            help: "How many photos to process at once (-1: one per core).")
    var workers: Int = -1

    func engine(cnn: Bool = false) throws -> FaceEngine {
        let count = workers > 0 ? workers : ProcessInfo.processInfo.activeProcessorCount
        do {
            return try FaceEngine(modelDirectory: modelDirectory, loadCNNDetector: cnn, workers: count)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

/// Options that choose the detector.
struct DetectorOptions: ParsableArguments {
    enum Model: String, ExpressibleByArgument, CaseIterable {
        case hog, cnn
    }

    @Option(help: "Face detector: hog (fast) or cnn (more accurate, much slower).")
    var model: Model = .hog

    @Option(help: "How many times to upsample the photo looking for faces (0, 1 or 2): higher finds smaller faces.")
    var upsample: Int = 1

    func validate() throws {
        guard (0...2).contains(upsample) else { throw ValidationError("--upsample must be 0, 1 or 2") }
    }

    var detector: FaceDetector {
        model == .cnn ? .cnn(upsample: upsample) : .hog(upsample: upsample)
    }
}

/// Prints a problem with one input on stderr, as the other inputs carry on.
func reportFailure(_ message: String) {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
}

func reportWarning(_ message: String) {
    FileHandle.standardError.write(Data(("WARNING: " + message + "\n").utf8))
}
