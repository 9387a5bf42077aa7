import DeviceAgent
import FaceEngine
import Foundation
import TestSupport
import Testing

/// Cameras as the agent reads them, with real ffmpeg producing real MJPEG.
@Suite("Camera sources")
struct CameraTests {
    /// A 2-second clip at 5 frames per second, 640x480, made from a photo.
    func clip() async throws -> String {
        let ffmpeg = try #require(which("ffmpeg"))
        let path = try Fixtures.scratchDirectory() + "/clip.mp4"
        let made = try await runProcess(ffmpeg, ["-v", "error", "-y", "-loop", "1", "-i", Fixtures.face("barack_obama/2.jpg"), "-t", "2",
                                                 "-r", "5", "-vf", "scale=640:480", "-pix_fmt", "yuv420p", path])
        try #require(made.status == 0, "\(made.stderr)")
        return path
    }

    @Test func splitterFindsEveryImageAcrossChunkBoundaries() throws {
        let one = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("john_salley/1.jpg"))))
        let two = Array(try Data(contentsOf: URL(fileURLWithPath: Fixtures.face("john_savage/1.jpg"))))
        let stream = [0x00, 0x13] + one + two + one
        var splitter = MJPEGSplitter()
        var images: [[UInt8]] = []
        var i = 0
        while i < stream.count {
            images += splitter.append(stream[i..<min(stream.count, i + 777)])
            i += 777
        }
        #expect(images.map(\.count) == [one.count, two.count, one.count])
        #expect(images == [one, two, one], "byte for byte")
    }

    @Test func aFileGivesEveryFrameWhenFast() async throws {
        let feed = try CameraFeed(try CameraSource.parse(try await clip(), realTime: false), realTime: false)
        var count = 0
        for await frame in feed.frames {
            let image = try RGBImage(decoding: frame.encoded)
            #expect(image.width == 640 && image.height == 480)
            count += 1
            feed.taken()
        }
        #expect(count == 10)
        #expect(feed.ending == nil, "a file that ends is not a failure")
    }

    @Test func inRealTimeASlowReaderSkipsFrames() async throws {
        let start = ContinuousClock.now
        let feed = try CameraFeed(try CameraSource.parse(try await clip()), realTime: true)
        var numbers: [Int] = []
        for await frame in feed.frames {
            numbers.append(frame.number)
            try await Task.sleep(for: .milliseconds(700))  // recognition slower than the camera
        }
        #expect(ContinuousClock.now - start >= .seconds(1.5), "played at its own rate")
        #expect(numbers.count < 10 && numbers.last == 10, "frames were dropped, and the newest one came through")
    }

    /// The child's process group, from the pid the shell wrote: gone means no
    /// process of it is left (the shell, and the ffmpeg it started, not exec'd).
    func groupIsGone(_ pidFile: String) -> Bool {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return false }
        return kill(-pid, 0) != 0 && errno == ESRCH
    }

    @Test func aStoppedCameraCommandIsReallyGone() async throws {
        let directory = try Fixtures.scratchDirectory()
        let command = "echo $$ > \(directory)/pid; ffmpeg -loglevel error -re -f lavfi -i testsrc=size=320x240:rate=10 -f image2pipe -c:v mjpeg -; echo ended"
        let feed = try CameraFeed(try CameraSource.parse("pipe:" + command), realTime: true)
        var frames = 0
        for await _ in feed.frames {
            frames += 1
            if frames == 3 { feed.stop() }
        }
        #expect(frames >= 3)
        try await waitUntil(timeout: .seconds(5)) { groupIsGone(directory + "/pid") }
        #expect(feed.ending == nil, "stopped on purpose is not a failure")
    }

    @Test func foldersAndBadCameras() async throws {
        let folder = try Fixtures.scratchDirectory()
        for (i, photo) in ["john_salley/1.jpg", "john_savage/1.jpg", "joe_biden/1.jpg"].enumerated() {
            try FileManager.default.copyItem(atPath: Fixtures.face(photo), toPath: "\(folder)/\(i).jpg")
        }
        let feed = try CameraFeed(try CameraSource.parse(folder), realTime: false)
        var count = 0
        for await _ in feed.frames {
            count += 1
            feed.taken()
        }
        #expect(count == 3)

        #expect(throws: AgentError.self) { try CameraSource.parse("/nonexistent/clip.mp4") }
        #expect(throws: AgentError.self) { try CameraFeed(try CameraSource.parse(try Fixtures.scratchDirectory()), realTime: true) }
        let broken = try CameraFeed(try CameraSource.parse("pipe:echo garbage; exit 3"), realTime: true)
        for await _ in broken.frames { Issue.record("a frame from garbage") }
        #expect(broken.ending?.contains("status 3") == true)
    }
}
