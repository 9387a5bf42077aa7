import ArgumentParser
import ChildProcess
import EntranceClips
import Foundation

/// Writes a rendered clip as an MP4 with ffmpeg (for `streaktrack run --camera`), beside a JSON of its script.
enum ClipWriter {
    static func write(_ clip: EntranceClip, into folder: String, number: Int) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = "\(folder)/clip\(number)"
        guard let ffmpeg = ChildProcess.which("ffmpeg") else { throw ValidationError("ffmpeg is needed to write clips") }
        let process = try ChildProcess(ffmpeg, ["-v", "error", "-y", "-f", "image2pipe", "-c:v", "mjpeg", "-framerate",
                                                String(format: "%.0f", clip.scene.framesPerSecond), "-i", "-", "-c:v", "libx264",
                                                "-pix_fmt", "yuv420p", "-crf", "18", base + ".mp4"],
                                       input: .pipe, output: .null, errors: .inherit)
        for frame in clip.frames { try process.standardInput?.write(contentsOf: Data(frame)) }
        try process.standardInput?.close()
        guard process.wait() == 0 else { throw ValidationError("ffmpeg could not write \(base).mp4") }
        let walkers = clip.scene.walkers.indices.map { index -> [String: Any] in
            let walker = clip.scene.walkers[index]
            return ["identity": walker.identity, "photo": walker.photo, "enrolled": walker.enrolled,
                    "firstFullyVisibleFrame": clip.firstFullyVisibleFrames[index] as Any]
        }
        let script: [String: Any] = ["name": clip.scene.name, "framesPerSecond": clip.scene.framesPerSecond, "frames": clip.frames.count,
                                     "walkers": walkers]
        try JSONSerialization.data(withJSONObject: script, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: base + ".json"))
        print("wrote \(base).mp4 and \(base).json")
    }
}
