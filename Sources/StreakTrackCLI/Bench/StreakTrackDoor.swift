import Foundation
import DeviceAgent
import FaceEngine

/// StreakTrack's recognizer watching a live clip: every newest frame it is free
/// for, as the device's frame loop takes them.
struct StreakTrackDoor: Sendable {
    let recognizer: Recognizer

    struct Watch {
        var decisions: [BenchDecision] = []
        var framesLookedAt = 0
        var trace: [String] = []
        var descriptions: [String: Int] = [:]
    }

    func watch(_ live: LiveClip, trace: Bool) async throws -> Watch {
        var watch = Watch()
        var last = -1
        while let (number, jpeg) = await live.next(after: last) {
            last = number
            watch.framesLookedAt += 1
            let report = try await recognizer.process(encoded: jpeg, number: number)
            for decision in report.decisions {
                watch.decisions.append(BenchDecision(frame: number, time: live.seconds, box: decision.box, label: decision.who.studentId))
            }
            if trace {
                let faces = report.tracks.map { "\($0.box)=\($0.who.map { "\($0)" } ?? "?")" }.joined(separator: " ")
                let regions = report.searched.map { "\($0.area.width)x\($0.area.height)\($0.upsample > 0 ? "^\($0.upsample)" : "")\($0.scale != 1 ? String(format: "*%.2f", $0.scale) : "")\($0.following.map { "#\($0)" } ?? "")" }
                let byLook = report.followedByLook.map { " #\($0) by look" }.joined()
                watch.trace.append("frame \(number) searched [\(regions.joined(separator: " "))]\(byLook) described \(report.described): \(faces)")
            }
        }
        watch.descriptions = await recognizer.timeline.descriptions
        if trace {
            for track in await recognizer.timeline.tracks {
                watch.trace.append("face \(track.id): frames \(track.firstFrame)–\(track.lastFrame), described at \(track.describedFrames), decided \(track.decisions.isEmpty ? "never" : track.decisions.map { "at \($0.frame) as \($0.who)\($0.distance.map { String(format: " (%.3f)", $0) } ?? "")" }.joined(separator: ", "))")
            }
        }
        return watch
    }
}
