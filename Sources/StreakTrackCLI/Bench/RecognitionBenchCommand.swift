import ArgumentParser
import DeviceAgent
import FaceEngine
import Foundation

/// `bench-recognition`: the device's recognition loop against the original
/// device's (HOG with one upsample and a descriptor for every face, on every
/// frame), on the same clips.
struct RecognitionBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-recognition",
        abstract: "Measure the recognition loop: CPU per frame with 0, 1 and 3 faces, frames per second, time to mark, memory.",
        discussion: """
        Clips (640x480, 10 fps, 6 s) are made from the sample photos that scripts/setup fetches: \
        an empty room; Obama (obama2.jpg) walking in, standing 3 s, walking out; and Obama, Biden and \
        an astronaut (Eileen Collins, not enrolled) together. Enrolled: obama.jpg and biden.jpg. \
        Each clip runs through StreakTrack's loop (tracking, region search) and through the original \
        device's approach, every frame as fast as possible (CPU per frame), then in real time at \
        10 fps (time from a face's first frame to its decision).
        """)

    @Option(help: "Folder of the sample photos (default: what scripts/setup fetched).")
    var samples: String?

    @Option(help: "Largest descriptor distance that counts as the same person.")
    var tolerance = 0.5

    @Flag(help: "Print what StreakTrack's loop saw in each frame of the real-time runs.")
    var trace = false

    @OptionGroup var engineOptions: EngineOptions

    func run() async throws {
        let folder = samples ?? Samples.directory
        func photo(_ name: String) throws -> RGBImage {
            do { return try RGBImage(contentsOfFile: folder + "/" + name) } catch {
                throw ValidationError("\(folder)/\(name): \(error.message) (run scripts/setup to fetch the sample photos)")
            }
        }
        let engine = FaceEngine(models: try FaceModels(files: FaceModelFiles.locate(option: engineOptions.modelDirectory)), workers: 1)
        var enrolled = FaceIndex<String>()
        for (name, file) in [("Barack Obama", "obama.jpg"), ("Joe Biden", "biden.jpg")] {
            let image = try photo(file)
            guard let face = try await engine.withWorker({ try $0.faces(in: image) }).first else {
                throw ValidationError("no face in \(file)")
            }
            enrolled.add(face.descriptor, label: name)
        }
        let walker = try photo("obama2.jpg")
        let scenes = [
            try BenchScene.make(name: "0 faces", portraits: [], portraitHeight: 0),
            try BenchScene.make(name: "1 face", portraits: [walker], portraitHeight: 360),
            try BenchScene.make(name: "3 faces", portraits: [walker, try photo("biden.jpg"), try photo("astronaut.png")], portraitHeight: 220),
        ]
        print("recognition loop benchmark: 640x480 clips of 60 frames at 10 fps; tolerance \(tolerance)")
        print("BLAS: \(FaceModels.blasDescription); OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset"); cores: \(ProcessInfo.processInfo.activeProcessorCount)")
        print("CPU = user+system time of the whole process per frame; fps = frames through the loop per wall-clock second\n")
        let header = "clip      pipeline                      CPU ms/frame   fps    whole  descriptors   who was recognised"
        print(header)
        print(String(repeating: "-", count: header.count + 10))
        var ratios: [String] = [], phases: [String] = []
        for scene in scenes {
            let original = try await BenchRun.play(scene, through: .original(engine: engine, index: enrolled, tolerance: tolerance))
            let ours = try await BenchRun.play(scene, through: await .streakTrack(engine: engine, index: enrolled, tolerance: tolerance,
                                                                                  scanning: ScanPlanner.Settings()))
            let tracking = try await BenchRun.play(scene, through: await .streakTrack(engine: engine, index: enrolled, tolerance: tolerance,
                                                                                      scanning: nil))
            for (label, run) in [("original (HOG u1, describe all)", original), ("StreakTrack, whole frames", tracking),
                                 ("StreakTrack (default)", ours)] {
                print(run.line(scene: scene.name, pipeline: label))
            }
            phases.append("  \(scene.name)  original: \(original.phaseSummary)\n  \(scene.name)  StreakTrack: \(ours.phaseSummary)")
            ratios.append("\(scene.name): \(String(format: "%.1f", original.cpuPerFrame / ours.cpuPerFrame))x less CPU")
        }
        print("\n" + ratios.joined(separator: "; "))
        print("\nCPU ms per frame by what happens in the clip (nobody there; walking in or out; standing at the door):")
        print(phases.joined(separator: "\n"))
        print("\ntime from a face's first frame to its decision, playing in real time at 10 fps:")
        for scene in scenes where scene.firstFaceFrame != nil {
            let pipelines = [("original (first matching frame)", BenchPipeline.original(engine: engine, index: enrolled, tolerance: tolerance)),
                             ("StreakTrack (default)", await .streakTrack(engine: engine, index: enrolled, tolerance: tolerance,
                                                                          scanning: ScanPlanner.Settings()))]
            for (label, pipeline) in pipelines {
                let times = try await BenchRun.timeToDecision(scene, through: pipeline, trace: trace)
                let text = times.sorted { $0.key < $1.key }.map { "\($0.key) \(Int($0.value)) ms" }.joined(separator: ", ")
                print("  \(scene.name)  \(label.padding(toLength: 34, withPad: " ", startingAt: 0)) \(text.isEmpty ? "nobody" : text)")
            }
        }
        print("\npeak memory (max RSS of the process): \(peakResidentMegabytes()) MB")
    }
}
