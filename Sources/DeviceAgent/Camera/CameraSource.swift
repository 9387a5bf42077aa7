import Foundation
import Synchronization

/// One camera frame, still JPEG-encoded (decoded only if recognition takes it).
public struct CameraFrame: Sendable {
    /// JPEG (or, from a folder, PNG) bytes.
    public let encoded: [UInt8]
    public let number: Int

    public init(encoded: [UInt8], number: Int) {
        self.encoded = encoded
        self.number = number
    }
}

/// Where frames come from, from `config.json`'s `camera`: every kind becomes an
/// MJPEG byte stream on a command's standard output, except a folder of images.
public enum CameraSource: Sendable, Equatable {
    case folder(String)
    /// `live`: a camera, which should never end (it is reopened when it does);
    /// otherwise a recording, whose end is the end of the run.
    case command([String], description: String, live: Bool)

    public var isLive: Bool {
        if case .command(_, _, let live) = self { return live }
        return false
    }

    /// - Parameter realTime: a file or folder plays at its own frame rate, as a
    ///   camera would; false gives every frame as fast as they are taken.
    public static func parse(_ camera: String, realTime: Bool = true, folderFrameRate: Double = 10) throws -> CameraSource {
        let mjpeg = ["-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "4", "-"]
        if camera.hasPrefix("pipe:") {
            let command = String(camera.dropFirst(5))
            guard !command.trimmingCharacters(in: .whitespaces).isEmpty else { throw AgentError("camera \"pipe:\" needs a command") }
            return .command(["/bin/sh", "-c", command], description: "the command \(command)", live: true)
        }
        if camera == "rpicam" {
            return .command(["rpicam-vid", "-t", "0", "-n", "--codec", "mjpeg", "--width", "640", "--height", "480", "-o", "-"],
                            description: "the Raspberry Pi camera (rpicam-vid)", live: true)
        }
        if camera.hasPrefix("/dev/video") {
            return .command(["ffmpeg", "-loglevel", "error", "-f", "v4l2", "-video_size", "640x480", "-i", camera] + mjpeg,
                            description: "the V4L2 camera \(camera)", live: true)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: camera, isDirectory: &isDirectory) else {
            throw AgentError("camera \(camera) does not exist (a /dev/video device, rpicam, pipe:COMMAND, a video file or a folder)")
        }
        if isDirectory.boolValue { return .folder(camera) }
        return .command(["ffmpeg", "-loglevel", "error"] + (realTime ? ["-re"] : []) + ["-i", camera] + mjpeg,
                        description: "the video file \(camera)", live: false)
    }
}
