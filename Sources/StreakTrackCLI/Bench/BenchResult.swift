import DeviceAgent
import Foundation

/// One clip through one pipeline.
struct BenchResult {
    let frames: Int
    var decisions: [BenchDecision] = []
    var framesLookedAt = 0
    var cpuSeconds = 0.0
    var stages: [StageClock.Stage: Double] = [:]
    /// StreakTrack's descriptions by why they were due (empty for the original device).
    var descriptions: [String: Int] = [:]
    var score = ClipScore()
    var trace: [String] = []

    init(frames: Int) {
        self.frames = frames
    }

    func line(pipeline: BenchPipelineName) -> String {
        let times = score.times
        let timing = times.isEmpty ? "nobody marked" : String(format: "to mark: median %.2f s (%.2f–%.2f)", times.median!, times.min()!, times.max()!)
        let missed = score.arrivals.filter { $0.timeToMark == nil }.map(\.identity)
        let slow = score.arrivals.filter { ($0.timeToMark ?? 0) > ClipScore.slowMark }
        return "  \(pipeline.title.padding(toLength: 16, withPad: " ", startingAt: 0))"
            + String(format: " marked %2d of %2d  strangers %d  mix-ups %d  ", score.markedCount, score.arrivals.count, score.strangersMarked, score.mixUps)
            + timing + String(format: "  CPU %.2f s  frames looked at %d of %d", cpuSeconds, framesLookedAt, frames)
            + (missed.isEmpty ? "" : "  missed: " + missed.joined(separator: ", "))
            + (slow.isEmpty ? "" : String(format: "  over %.1f s: ", ClipScore.slowMark)
                + slow.map { String(format: "%@ %.2f s", $0.identity, $0.timeToMark!) }.joined(separator: ", "))
            + (score.hidden.isEmpty ? "" : "  never fully in view (not counted): "
                + score.hidden.map { "\($0.identity) (\($0.marked ? "marked" : "not marked"))" }.joined(separator: ", "))
    }

    var stageSummary: String {
        StageClock.Stage.allCases.compactMap { stage in stages[stage].map { String(format: "%@ %.2f", stage.rawValue, $0) } }.joined(separator: ", ")
            + (descriptions.isEmpty ? "" : "; descriptions: " + descriptions.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}

/// A pipeline's figures over every clip.
struct BenchTotals {
    var arrivals = 0, marked = 0, strangers = 0, mixUps = 0, hidden = 0, hiddenMarked = 0
    var times: [Double] = []
    var cpuSeconds = 0.0
    var stages: [StageClock.Stage: Double] = [:]

    mutating func add(_ result: BenchResult) {
        arrivals += result.score.arrivals.count
        marked += result.score.markedCount
        strangers += result.score.strangersMarked
        mixUps += result.score.mixUps
        hidden += result.score.hidden.count
        hiddenMarked += result.score.hidden.filter(\.marked).count
        times += result.score.times
        cpuSeconds += result.cpuSeconds
        for (stage, seconds) in result.stages { stages[stage, default: 0] += seconds }
    }

    var medianText: String { times.median.map { String(format: "%.2f s", $0) } ?? "-" }

    func line(pipeline: BenchPipelineName) -> String {
        "  \(pipeline.title.padding(toLength: 16, withPad: " ", startingAt: 0))"
            + String(format: " marked %2d of %2d  strangers %d  mix-ups %d  median to mark %@  max %@  CPU %.2f s", marked, arrivals, strangers,
                     mixUps, medianText, times.max().map { String(format: "%.2f s", $0) } ?? "-", cpuSeconds)
            + (hidden == 0 ? "" : "  (and \(hiddenMarked) of \(hidden) never fully in view)")
    }
}
