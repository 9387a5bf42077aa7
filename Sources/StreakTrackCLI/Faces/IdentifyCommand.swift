import ArgumentParser
import FaceEngine
import Foundation

/// `faces identify`: face_recognition's `face_recognition` command.
struct IdentifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Print path,name for every known person each face matches.",
        discussion: """
        KNOWN_DIR holds one photo per person named after them (obama.jpg), or one \
        folder of photos per person (obama/1.jpg, obama/2.jpg). A face that matches \
        nobody prints unknown_person; a photo without faces prints no_persons_found.
        """)

    @Argument(help: ArgumentHelp("Known people: name.jpg files or one folder per person.", valueName: "known-dir"))
    var knownDirectory: String

    @Argument(help: "Photos, or folders of photos, to identify.")
    var paths: [String]

    @Option(help: "Largest distance at which two faces are the same person; lower is stricter.")
    var tolerance: Double = 0.6

    @Option(help: "Append the distance to each line (true or false).")
    var showDistance: Bool = false

    @OptionGroup var detection: DetectorOptions
    @OptionGroup var engineOptions: EngineOptions

    func validate() throws {
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a positive number") }
    }

    mutating func run() async throws {
        let engine = try engineOptions.engine(cnn: detection.model == .cnn)
        let detector = detection.detector
        let (known, knownFailed) = await enrol(knownDirectory, engine: engine, detector: detector)
        let (files, unreadable) = ImageInputs.expand(paths)
        var failed = knownFailed || !unreadable.isEmpty
        unreadable.forEach { reportFailure("\($0): no such file or folder") }
        let tolerance = tolerance, showDistance = showDistance
        await ImageInputs.process(files, width: engine.maxWorkers, work: { path in
            // As face_recognition's test_image: photos over 1600 px are shrunk first (known ones are not).
            try await engine.faces(in: RGBImage(contentsOfFile: path).pillowThumbnail(fittingIn: 1600), using: detector)
        }, emit: { path, result in
            switch result {
            case .success(let faces):
                for line in Self.verdicts(for: faces, known: known, tolerance: tolerance) {
                    print(showDistance ? "\(path),\(line.name),\(line.distance.map { "\($0)" } ?? "None")" : "\(path),\(line.name)")
                }
            case .failure(let error):
                failed = true
                reportFailure(error.readableMessage)
            }
        })
        if failed { throw partialFailure }
    }

    /// face_recognition's `test_image`: every person within tolerance, in name order.
    static func verdicts(for faces: [Face], known: FaceIndex<String>, tolerance: Double) -> [(name: String, distance: Double?)] {
        if faces.isEmpty { return [("no_persons_found", nil)] }
        return faces.flatMap { face -> [(name: String, distance: Double?)] in
            let matches = known.nearestPerLabel(to: face.descriptor)
                .filter { $0.distance <= tolerance }
                .sorted { $0.label < $1.label }
            return matches.isEmpty ? [("unknown_person", nil)] : matches.map { ($0.label, $0.distance) }
        }
    }

    /// Reads the known people. A photo with several faces counts its first, as
    /// face_recognition does; one with none is skipped with a warning.
    private func enrol(_ directory: String, engine: FaceEngine, detector: FaceDetector) async -> (FaceIndex<String>, Bool) {
        guard let photos = PeopleFolder.photos(in: directory) else {
            reportFailure("\(directory): cannot read the folder of known people")
            return (FaceIndex(), true)
        }
        var index = FaceIndex<String>()
        var failed = false
        let names = Dictionary(photos.map { ($0.path, $0.person) }, uniquingKeysWith: { first, _ in first })
        await ImageInputs.process(photos.map(\.path), width: engine.maxWorkers, work: { path in
            try await engine.faces(in: RGBImage(contentsOfFile: path), using: detector)
        }, emit: { path, result in
            switch result {
            case .success(let faces):
                if faces.count > 1 { reportWarning("More than one face found in \(path). Only considering the first face.") }
                if let first = faces.first { index.add(first.descriptor, label: names[path]!) } else {
                    reportWarning("No faces found in \(path). Ignoring file.")
                }
            case .failure(let error):
                failed = true
                reportFailure(error.readableMessage)
            }
        })
        if index.isEmpty { reportWarning("no known faces in \(directory): every face will be unknown_person") }
        return (index, failed)
    }
}
