import ArgumentParser
import DeviceAgent
import EntranceClips
import FaceEngine
import Foundation

/// `bench-recognition`: the original device as it really ran and StreakTrack's
/// recognizer, side by side on the same entrance clips played in real time.
struct RecognitionBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-recognition",
        abstract: "Play entrance clips in real time to the original device's loop and to StreakTrack's: who was marked, how soon, at what CPU.",
        discussion: """
        Five 640x480 clips at 15 frames a second, 23–26 s each, are rendered from the shared face photos \
        (--photos, split into enrolled people and strangers by its split.json): people one at a time, three \
        together, small faces at the back, a student who comes back, pairs who walk through without stopping. \
        Enrolled people are enrolled with their 1.jpg and walk in as another of their photos. Each clip is played \
        as a live camera plays it (frames not taken in time are dropped) to each pipeline in turn. Reported per \
        clip and pipeline: enrolled people marked, strangers marked, people taken for someone else, seconds from \
        a face fully in view (inside the picture, at most a tenth of it behind someone in front) to its mark; \
        people never fully in view are listed apart and not counted; CPU-seconds of the whole process while watching and by stage, frames \
        looked at. The original device is ../shared/ORIGINAL_DEVICE.md on this engine: an attempt (HOG upsample 1 \
        on the equalised gray frame, every face described, the first matched) then 0.5 s of sleep, 3 s after a \
        mark, 4 s after a repeat, 1 s after an unknown face.
        """)

    @Option(help: "The shared face photos (default: $STREAKTRACK_SHARED/faces, else ../shared/faces).")
    var photos: String?

    @Option(name: .customLong("clips"), help: "Which clips: entrances (five entrance clips) or look-alikes (strangers who resemble an enrolled student, two clips).")
    var clipSet: BenchClipSet = .entrances

    @Option(name: .customLong("clip"), help: "Play only these clips of the set (by number; repeatable).")
    var clips: [Int] = []

    @Option(name: .customLong("pipeline"), help: "original or streaktrack (repeatable; default both).")
    var pipelines: [BenchPipelineName] = [.original, .streaktrack]

    @Option(help: "Largest descriptor distance that counts as the same person.")
    var tolerance = 0.5

    @Option(help: "How much nearer the best student must be than the second best (StreakTrack's pipeline; 0: off).")
    var margin = IdentificationRule.standard.margin

    @Option(name: .customLong("undecided-every"), help: "Describe a face not decided yet every this many frames (StreakTrack's pipeline).")
    var undecidedEvery = FaceTracker.Settings().undecidedRedescribeEvery

    @Flag(inversion: .prefixedNo, help: "Follow decided faces by their look between HOG searches (StreakTrack's pipeline).")
    var followByLook = true

    @Option(name: .customLong("write-clips"), help: "Also write each clip to this folder as an MP4 (for `streaktrack run --camera`), with its script.")
    var writeClips: String?

    @Flag(help: "Print what StreakTrack's loop saw in each frame.")
    var trace = false

    @Option(name: .customLong("cpu-limit"),
            help: "Hold the process to this fraction of one core while a clip plays (cgroup v1 cpu quota; needs root), e.g. 0.4.")
    var cpuLimit: Double?

    @OptionGroup var engineOptions: EngineOptions

    func run() async throws {
        let folder = photos ?? Self.defaultPhotos
        guard FileManager.default.fileExists(atPath: folder + "/split.json") else {
            throw ValidationError("\(folder)/split.json is missing: give the shared face photos with --photos (../shared/faces)")
        }
        let engine = FaceEngine(models: try FaceModels(files: FaceModelFiles.locate(option: engineOptions.modelDirectory)), workers: 1)
        let all = clipSet.scenes
        let numbers = clips.isEmpty ? Array(1...all.count) : clips
        let scenes = try numbers.map { number in
            guard (1...all.count).contains(number) else { throw ValidationError("--clip \(number): there are clips 1 to \(all.count)") }
            return all[number - 1]
        }
        print("recognition benchmark: \(scenes.count) \(clipSet.rawValue) clip(s), 640x480 at 15 fps, played in real time; tolerance \(tolerance), margin \(margin)")
        print("dlib compiled for: \(FaceModels.simdDescription)")
        print("BLAS: \(FaceModels.blasDescription); OPENBLAS_NUM_THREADS=\(ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] ?? "unset"); cores: \(ProcessInfo.processInfo.activeProcessorCount)")
        // The whole set's roster, whichever clips play: one clip alone is recognised as in the full run.
        let gallery = try await Self.enrol(scenes: all, photos: folder, engine: engine)
        let cutouts = try await EntranceClipSet.cutouts(for: scenes, photos: folder, engine: engine)
        try await Self.checkWalkers(scenes, photos: folder, gallery: gallery, engine: engine, tolerance: tolerance)

        let quota = try cpuLimit.map { try CPUQuota(fraction: $0) }
        defer { quota?.remove() }
        if let cpuLimit { print("CPU held to \(Int(cpuLimit * 100))% of one core while clips play (\(quota!.directory))") }
        var totals: [BenchPipelineName: BenchTotals] = [:]
        for (number, scene) in zip(numbers, scenes) {
            let clip = try EntranceClip.render(scene, cutouts: cutouts)
            if let writeClips { try await ClipWriter.write(clip, into: writeClips, number: number) }
            print("\nclip \(number): \(scene.name) (\(String(format: "%.0f", scene.duration)) s, \(clip.frames.count) frames, "
                  + "\(Set(scene.walkers.filter(\.enrolled).map(\.identity)).count) enrolled people, \(scene.walkers.filter { !$0.enrolled }.count) stranger(s), "
                  + "\(gallery.count) on the roster)")
            for pipeline in pipelines {
                try quota?.enter()
                let result = try await play(clip, through: pipeline, engine: engine, gallery: gallery)
                try quota?.leave()
                print(result.line(pipeline: pipeline))
                print("      CPU by stage: \(result.stageSummary)")
                if trace { for line in result.trace { print("      \(line)") } }
                totals[pipeline, default: BenchTotals()].add(result)
            }
        }
        print("\nall clips")
        for pipeline in pipelines { if let total = totals[pipeline] { print(total.line(pipeline: pipeline)) } }
        if let original = totals[.original], let ours = totals[.streaktrack], ours.cpuSeconds > 0 {
            print(String(format: "\nStreakTrack used %.2fx the original's CPU-seconds, marked %d of %d people (the original %d), median time to mark %@ (the original %@)",
                         ours.cpuSeconds / original.cpuSeconds, ours.marked, ours.arrivals, original.marked, ours.medianText, original.medianText))
        }
        if let quota { print(String(format: "the quota held the process back for %.1f s in all", quota.throttledSeconds)) }
        print("peak memory (max RSS of the process): \(peakResidentMegabytes()) MB")
    }

    static var defaultPhotos: String {
        if let shared = ProcessInfo.processInfo.environment["STREAKTRACK_SHARED"], !shared.isEmpty { return shared + "/faces" }
        return "../shared/faces"
    }

    /// Every enrolled person of the clips, from their enrolment photo.
    static func enrol(scenes: [EntranceScene], photos folder: String, engine: FaceEngine) async throws -> FaceIndex<String> {
        var gallery = FaceIndex<String>()
        for identity in scenes.reduce(into: Set<String>(), { $0.formUnion($1.enrolledIdentities) }).sorted() {
            let photo = try RGBImage(contentsOfFile: "\(folder)/\(identity)/\(EntranceClipSet.enrolmentPhoto)")
            guard let face = try await engine.faces(in: photo, using: .hog(upsample: 1)).max(by: { $0.box.area < $1.box.area }) else {
                throw ValidationError("no face in \(folder)/\(identity)/\(EntranceClipSet.enrolmentPhoto)")
            }
            gallery.add(face.descriptor, label: identity)
        }
        return gallery
    }

    /// Says which walkers no pipeline could mark: their photo is beyond the tolerance from their enrolment even at full size.
    static func checkWalkers(_ scenes: [EntranceScene], photos folder: String, gallery: FaceIndex<String>, engine: FaceEngine,
                             tolerance: Double) async throws {
        var seen = Set<String>()
        for walker in scenes.flatMap(\.walkers) where walker.enrolled && seen.insert(walker.identity + walker.photo).inserted {
            let photo = try RGBImage(contentsOfFile: EntranceClipSet.file(of: walker, shared: folder))
            guard let face = try await engine.faces(in: photo, using: .hog(upsample: 1)).max(by: { $0.box.area < $1.box.area }),
                  let nearest = gallery.nearestPerLabel(to: face.descriptor).first(where: { $0.label == walker.identity }) else { continue }
            if nearest.distance > tolerance {
                print("note: \(walker.identity)/\(walker.photo) is \(String(format: "%.2f", nearest.distance)) from their enrolment photo, beyond \(tolerance)")
            }
        }
    }

    func play(_ clip: EntranceClip, through pipeline: BenchPipelineName, engine: FaceEngine, gallery: FaceIndex<String>) async throws -> BenchResult {
        let stages = StageClock()
        let cpuBefore = StageClock.processCPUSeconds()
        let live = LiveClip(clip)
        var result = BenchResult(frames: clip.frames.count)
        switch pipeline {
        case .original:
            let watch = try await OriginalDevice(engine: engine, index: gallery, tolerance: tolerance, stages: stages).watch(live)
            (result.decisions, result.framesLookedAt) = (watch.decisions, watch.framesLookedAt)
        case .streaktrack:
            var tracking = FaceTracker.Settings()
            tracking.undecidedRedescribeEvery = undecidedEvery
            var following = FacePatchFollower.Settings()
            if !followByLook { following.searchEvery = 0 }
            let recognizer = Recognizer(engine: engine, rule: IdentificationRule(tolerance: tolerance, margin: margin), tracking: tracking,
                                        following: following, stages: stages)
            await recognizer.enroll(gallery)
            let watch = try await StreakTrackDoor(recognizer: recognizer).watch(live, trace: trace)
            (result.decisions, result.framesLookedAt, result.trace) = (watch.decisions, watch.framesLookedAt, watch.trace)
            result.descriptions = watch.descriptions
        }
        result.cpuSeconds = StageClock.processCPUSeconds() - cpuBefore
        result.stages = stages.seconds
        result.score = ClipScore(result.decisions, clip: clip)
        return result
    }
}

enum BenchClipSet: String, ExpressibleByArgument, CaseIterable, Sendable {
    case entrances, lookAlikes = "look-alikes"

    var scenes: [EntranceScene] { self == .entrances ? EntranceClipSet.scenes : EntranceClipSet.lookAlikeScenes }
}

enum BenchPipelineName: String, ExpressibleByArgument, CaseIterable, Sendable {
    case original, streaktrack

    var title: String { self == .original ? "original device" : "StreakTrack" }
}
