import Foundation
import TestSupport
import Testing

/// Clips made with ffmpeg at test time from the shared photos.
enum Clips {
    /// One second of each photo at 5 frames per second, fitted into 640x480.
    static func make(of photos: [String]) async throws -> String {
        let ffmpeg = try #require(which("ffmpeg"))
        let directory = try Fixtures.scratchDirectory()
        var arguments = ["-v", "error", "-y"]
        for photo in photos { arguments += ["-loop", "1", "-t", "1", "-i", Fixtures.face(photo)] }
        let scaled = photos.indices.map {
            "[\($0):v]scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=5[v\($0)]"
        }
        let filter = scaled.joined(separator: ";") + ";" + photos.indices.map { "[v\($0)]" }.joined() + "concat=n=\(photos.count):v=1:a=0[out]"
        arguments += ["-filter_complex", filter, "-map", "[out]", "-pix_fmt", "yuv420p", directory + "/clip.mp4"]
        let made = try await runProcess(ffmpeg, arguments)
        try #require(made.status == 0, "\(made.stderr)")
        return directory + "/clip.mp4"
    }
}
