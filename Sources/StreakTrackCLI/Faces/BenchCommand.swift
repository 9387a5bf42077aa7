import ArgumentParser
import EntranceClips
import FaceEngine
import Foundation

/// `faces bench`: per-stage timings of the face engine on 640x480 frames.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the face engine: per-stage milliseconds on 640x480 frames, and descriptor search.",
        discussion: """
        Frames are made from one portrait (--photo): scaled into a 640x480 frame for one face, \
        three times side by side for three faces, and a textured frame without faces. \
        Each figure is the median over --runs runs, with the 10th and 90th percentiles.
        """)

    @Option(help: "A photo of one face (default: the face_recognition sample obama.jpg that scripts/setup fetches).")
    var photo: String?

    @Option(help: "Repetitions per measurement.")
    var runs: Int = 15

    @Option(help: "Enrolled descriptor counts for the search benchmark.")
    var searchSizes: [Int] = [1_000, 10_000, 100_000]

    @OptionGroup var engineOptions: EngineOptions

    func validate() throws {
        guard runs >= 3 else { throw ValidationError("--runs must be at least 3") }
    }

    mutating func run() async throws {
        let files = FaceModelFiles.locate(option: engineOptions.modelDirectory)
        let photoPath = photo ?? Samples.directory + "/obama.jpg"
        let portrait = try RGBImage(contentsOfFile: photoPath)
        print("face engine benchmark: \(runs) runs per figure; median [p10 .. p90] in ms")
        print("dlib compiled for: \(FaceModels.simdDescription)")
        print("BLAS: \(FaceModels.blasDescription); OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset")")
        print("cores: \(ProcessInfo.processInfo.activeProcessorCount); portrait: \(photoPath) (\(portrait.width)x\(portrait.height))")

        let load = try measure(runs: 3) { _ = try FaceModels(files: files) }
        report("model load (landmarks + descriptor)", load)
        let engine = FaceEngine(models: try FaceModels(files: files), workers: 1)

        let frames = BenchFrames(portrait: portrait)
        let runs = runs
        let lines = try await engine.withWorker { worker in
            try Self.stageFigures(worker: worker, frames: frames, runs: runs)
        }
        for (name, samples) in lines { report(name, samples) }
        try searchFigures(runs: runs)
        print("peak memory (max RSS): \(peakResidentMegabytes()) MB")
    }

    static func stageFigures(worker: FaceWorker, frames: BenchFrames, runs: Int) throws -> [(String, [Double])] {
        var lines: [(String, [Double])] = []
        let jpeg = try frames.one.jpegData(quality: 85)
        lines.append(("decode 640x480 JPEG (q85)", try measure(runs: runs) { _ = try RGBImage(decoding: jpeg) }))
        for upsample in [0, 1] {
            lines.append(("HOG upsample \(upsample), 1 face", try measure(runs: runs) { _ = try worker.detect(frames.one, with: .hog(upsample: upsample)) }))
        }
        // What the recognition loop does with a camera frame instead: gray, scaled decodes, HOG on gray.
        lines.append(("decode to gray", try measure(runs: runs) { _ = try GrayImage(decodingJPEG: jpeg) }))
        for denominator in [2, 4, 8] {
            lines.append(("decode to gray at 1/\(denominator)", try measure(runs: runs) { _ = try GrayImage(decodingJPEG: jpeg, scaledDownBy: denominator) }))
        }
        let gray = try GrayImage(decodingJPEG: jpeg)
        for upsample in [0, 1] {
            lines.append(("HOG on gray, upsample \(upsample), 1 face", try measure(runs: runs) { _ = try worker.detect(gray, upsample: upsample) }))
        }
        lines.append(("equalise gray (the original device)", try measure(runs: runs) { _ = gray.equalized() }))
        let detection = try worker.detect(frames.one, with: .hog(upsample: 0))
        guard let face = detection.first else { throw ValidationError("no face found in the one-face frame; choose another --photo") }
        lines.append(("landmarks, per face", try measure(runs: runs) { _ = try worker.landmarks(frames.one, of: face) }))
        let landmarks = try worker.landmarks(frames.one, of: face)
        lines.append(("descriptor, per face", try measure(runs: runs) { _ = try worker.describe(frames.one, faces: [(face, landmarks)], jitters: 1) }))
        for (count, frame) in [(0, frames.none), (1, frames.one), (3, frames.three)] {
            let encoded = try frame.jpegData(quality: 85)
            for upsample in [0, 1] {
                var found = 0
                let samples = try measure(runs: runs) {
                    let image = try RGBImage(decoding: encoded)
                    found = try worker.faces(in: image, using: .hog(upsample: upsample)).count
                }
                lines.append(("whole frame, \(count) face(s) expected, \(found) found, upsample \(upsample)", samples))
            }
        }
        return lines
    }

    func searchFigures(runs: Int) throws {
        var generator = Seeded(42)
        for size in searchSizes {
            var index = FaceIndex<Int>()
            for i in 0..<size { index.add(generator.descriptor(), label: i / 3) }
            let queries = (0..<runs).map { _ in generator.descriptor() }
            var q = 0
            let samples = try measure(runs: runs) {
                _ = index.nearest(to: queries[q % queries.count])
                q += 1
            }
            report("nearest of \(size) descriptors", samples)
        }
    }

    func report(_ name: String, _ samples: [Double]) {
        let sorted = samples.sorted()
        func at(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))] }
        let text = String(format: "%8.2f  [%7.2f .. %7.2f]", at(0.5), at(0.1), at(0.9))
        print("  \(name.padding(toLength: 58, withPad: " ", startingAt: 0)) \(text)")
    }
}

/// Wall-clock milliseconds of each run, after one warm-up run.
func measure(runs: Int, _ body: () throws -> Void) throws -> [Double] {
    try body()
    return try (0..<runs).map { _ in
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}

func peakResidentMegabytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss / 1024
}

/// The 640x480 frames the benchmark runs on.
struct BenchFrames: Sendable {
    let none: RGBImage
    let one: RGBImage
    let three: RGBImage

    init(portrait: RGBImage) {
        let background = RGBImage.filled(width: 640, height: 480, red: 90, green: 110, blue: 120)
        func fit(_ image: RGBImage, height: Int) -> RGBImage {
            image.resized(width: max(1, image.width * height / image.height), height: height)
        }
        let large = fit(portrait, height: 480)
        one = background.pasting(large, atX: (640 - large.width) / 2, y: 0)
        let small = fit(portrait, height: 300)
        var three = background
        for i in 0..<3 { three = three.pasting(small, atX: i * 213 + (213 - small.width) / 2, y: 90) }
        self.three = three
        // Texture without faces, so HOG has gradients to work through.
        var generator = Seeded(7)
        let texture = (0..<(64 * 48 * 3)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        none = RGBImage(width: 64, height: 48, pixels: texture).resized(width: 640, height: 480)
    }
}

extension Seeded {
    /// A random descriptor, the same on every run.
    mutating func descriptor() -> FaceDescriptor {
        try! FaceDescriptor((0..<FaceDescriptor.length).map { _ in Float(Int(next() % 2001) - 1000) / 5000 })
    }
}
