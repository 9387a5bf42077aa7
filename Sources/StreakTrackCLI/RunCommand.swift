import ArgumentParser
import DeviceAgent
import FaceEngine
import Foundation
import HardwareFeedback
import Logging

/// `streaktrack run`: the attendance device.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the device: recognise students at the door and mark their attendance.")

    @Option(help: "The device's configuration file.") var config = "config.json"
    @Flag(help: "Take every frame of a video file or folder as fast as possible, instead of at its own frame rate.")
    var fast = false
    @Option(name: .customLong("models"), help: "Directory of the dlib model files.") var modelDirectory: String?
    @Option(help: ArgumentHelp("When it stops, write what recognition did to this JSON file.",
                               discussion: """
                                   Per face followed: first frame seen, frames described, frame decided, who, distance; \
                                   and totals: frames delivered, decoded, looked at and dropped, CPU-seconds by stage \
                                   and of the whole process. Meant for a recorded clip and for tuning a door.
                                   """))
    var report: String?

    func run() async throws {
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(path: config)
        } catch {
            throw ValidationError(error.description)
        }
        let logger = Logger(label: "streaktrack.agent")
        for warning in configuration.warnings { logger.warning("\(warning)") }
        let engine: FaceEngine
        do {
            // One worker: recognition is sequential, and the other core stays free for the link and streaming.
            engine = try FaceEngine(modelDirectory: modelDirectory, workers: 1)
        } catch {
            throw ValidationError(error.message)
        }
        let output: any FeedbackOutput
        do {
            output = try FeedbackChoice.output(for: configuration, logger: Logger(label: "streaktrack.hardware"))
        } catch {
            throw ValidationError("\(config): \"display\" is \"hardware\", but \(error)")
        }
        let runtime = AgentRuntime(configuration: configuration, engine: engine, output: output, realTime: !fast)
        let task = Task { try await runtime.run() }
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        let summary = try await task.value
        signals.forEach { $0.cancel() }
        if let report {
            do {
                try summary.recognition.json().write(to: URL(fileURLWithPath: report), options: .atomic)
            } catch {
                logger.error("cannot write the report to \(report): \(error)")
            }
        }
        print("\(summary.frames) frames; \(summary.marks.count) marked this session; \(summary.undelivered) mark(s) waiting to be sent")
        if let failure = summary.cameraFailure { throw CameraFailed(reason: failure) }
    }
}

/// A recording that stopped before its end: the marks are kept, but the run failed.
struct CameraFailed: Error, CustomStringConvertible {
    let reason: String
    var description: String { "the camera failed: \(reason)" }
}
