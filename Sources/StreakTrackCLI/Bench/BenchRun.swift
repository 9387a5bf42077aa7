import DeviceAgent
import FaceEngine
import Foundation

/// One clip through one pipeline: what it cost and whom it recognised.
struct BenchRun {
    var frames = 0
    var cpuSeconds = 0.0
    var wallSeconds = 0.0
    var descriptors = 0
    /// Frames searched whole (the rest: only around faces and movement, or not at all).
    var wholeFrames = 0
    /// CPU milliseconds per frame in each phase of the clip (walking, standing, empty).
    var phaseCPU: [String: [Double]] = [:]
    /// Name → frames (original) or decisions (StreakTrack) that said it.
    var recognised: [String: Int] = [:]

    var cpuPerFrame: Double { cpuSeconds * 1000 / Double(max(frames, 1)) }

    func line(scene: String, pipeline: String) -> String {
        let who = recognised.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return "\(scene.padding(toLength: 9, withPad: " ", startingAt: 0)) \(pipeline.padding(toLength: 31, withPad: " ", startingAt: 0))"
            + String(format: "%9.1f   %6.1f   %6d   %6d      ", cpuPerFrame, Double(frames) / wallSeconds, wholeFrames, descriptors)
            + (who.isEmpty ? "nobody" : who)
    }

    /// "walking 38.1, standing 4.2" (mean CPU ms per frame of each phase present).
    var phaseSummary: String {
        ["empty", "walking", "standing"].compactMap { phase in
            phaseCPU[phase].map { String(format: "%@ %.1f", phase, $0.reduce(0, +) / Double($0.count)) }
        }.joined(separator: ", ")
    }

    /// Every frame of the clip through `pipeline`, as fast as it goes.
    static func play(_ scene: BenchScene, through pipeline: BenchPipeline) async throws -> BenchRun {
        var run = BenchRun()
        let cost = try await measure {
            for (number, jpeg) in scene.frames.enumerated() {
                let before = processCPUSeconds()
                defer { run.phaseCPU[BenchScene.phase(of: number), default: []].append((processCPUSeconds() - before) * 1000) }
                let result = try await pipeline.step(jpeg)
                run.frames += 1
                run.descriptors += result.described
                if result.wholeFrame { run.wholeFrames += 1 }
                for name in result.names { run.recognised[name, default: 0] += 1 }
            }
        }
        (run.cpuSeconds, run.wallSeconds) = cost
        return run
    }

    /// CPU and wall-clock seconds of `body`.
    private static func measure(_ body: () async throws -> Void) async throws -> (cpu: Double, wall: Double) {
        let cpu = processCPUSeconds(), start = ContinuousClock.now
        try await body()
        let wall = ContinuousClock.now - start
        return (processCPUSeconds() - cpu, Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)
    }

    /// Plays the clip as a camera would (a frame every 100 ms; whatever arrived
    /// while the loop was busy is skipped) and returns, per student, the
    /// milliseconds from the first frame with a face to the first frame that named them.
    static func timeToDecision(_ scene: BenchScene, through pipeline: BenchPipeline, trace: Bool = false) async throws -> [String: Double] {
        let interval = 1 / BenchScene.framesPerSecond
        let start = Date()
        let appeared = start.addingTimeInterval(Double(scene.firstFaceFrame ?? 0) * interval)
        var decided: [String: Double] = [:]
        var last = -1
        while true {
            let due = Int(Date().timeIntervalSince(start) / interval)
            guard due < scene.frames.count else { break }
            if due == last {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            last = due
            let result = try await pipeline.step(scene.frames[due])
            if trace, let seen = result.seen { print("    frame \(due) \(seen)") }
            for name in result.names where decided[name] == nil { decided[name] = Date().timeIntervalSince(appeared) * 1000 }
        }
        return decided
    }
}

/// A way of turning camera frames into names: the original device's, or StreakTrack's recognizer.
struct BenchPipeline {
    struct FrameResult {
        /// Students named in this frame (the original: every matching face; StreakTrack: its decisions).
        var names: [String]
        var described: Int
        var wholeFrame: Bool
        /// What the loop saw, for `--trace`.
        var seen: String?
    }

    let step: ([UInt8]) async throws -> FrameResult

    /// The original device: HOG with one upsample on the whole frame, a descriptor for every face, every frame.
    static func original(engine: FaceEngine, index: FaceIndex<String>, tolerance: Double) -> BenchPipeline {
        BenchPipeline { jpeg in
            let image = try RGBImage(decoding: jpeg)
            let faces = try await engine.withWorker { try $0.faces(in: image, using: .hog(upsample: 1)) }
            let names = faces.compactMap { face in index.nearest(to: face.descriptor).flatMap { $0.distance <= tolerance ? $0.label : nil } }
            return FrameResult(names: names, described: faces.count, wholeFrame: true)
        }
    }

    /// StreakTrack's recognizer, new for each pipeline; `scanning` nil searches every whole frame.
    static func streakTrack(engine: FaceEngine, index: FaceIndex<String>, tolerance: Double,
                            scanning: ScanPlanner.Settings?) async -> BenchPipeline {
        let recognizer = Recognizer(engine: engine, tolerance: tolerance, scanning: scanning)
        await recognizer.enroll(index)
        return BenchPipeline { jpeg in
            let report = try await recognizer.process(try RGBImage(decoding: jpeg))
            let names = report.decisions.compactMap { if case .student(let name) = $0.who { name } else { nil } }
            let faces = report.tracks.map { "\($0.box)=\($0.who.map { "\($0)" } ?? "?")" }.joined(separator: " ")
            return FrameResult(names: names, described: report.described, wholeFrame: report.wholeFrame,
                               seen: "\(report.wholeFrame ? "whole" : "parts") described \(report.described): \(faces)")
        }
    }
}

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
