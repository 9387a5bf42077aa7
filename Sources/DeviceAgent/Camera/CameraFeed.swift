import ChildProcess
import Foundation
import Synchronization

/// Frames from a camera source, read on a thread of their own.
///
/// Real time (a camera, or a file played as one): only the newest frame waits,
/// so recognition that falls behind skips frames instead of lagging. Fast: every
/// frame is kept, and the source is paused until the consumer calls `taken()`.
public final class CameraFeed: Sendable {
    public let frames: AsyncStream<CameraFrame>
    private let continuation: AsyncStream<CameraFrame>.Continuation
    private let realTime: Bool
    private let credit = DispatchSemaphore(value: 0)
    private let state = Mutex((process: ChildProcess?.none, stopped: false, ending: String?.none))

    public init(_ source: CameraSource, realTime: Bool, folderFrameRate: Double = 10) throws {
        (frames, continuation) = AsyncStream.makeStream(of: CameraFrame.self, bufferingPolicy: realTime ? .bufferingNewest(1) : .unbounded)
        self.realTime = realTime
        switch source {
        case .folder(let path): try startFolder(path, frameRate: folderFrameRate)
        case .command(let arguments, let description, _): try startCommand(arguments, description: description)
        }
    }

    /// In fast mode, lets the source read the next frame.
    public func taken() {
        if !realTime { credit.signal() }
    }

    /// Why the feed ended (nil while running, or after a clean end of a file).
    public var ending: String? { state.withLock { $0.ending } }

    public func stop() {
        let process = state.withLock { state in
            state.stopped = true
            return state.process
        }
        if let process {
            // SIGTERM now, SIGKILL if it lingers; the caller need not wait for either.
            Task.detached { await process.terminate(grace: .seconds(2)) }
        }
        credit.signal()
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func deliver(_ frame: CameraFrame) {
        continuation.yield(frame)
        if !realTime { credit.wait() }
    }

    private func startCommand(_ arguments: [String], description: String) throws {
        let process: ChildProcess
        do {
            process = try ChildProcess(arguments[0], Array(arguments.dropFirst()))
        } catch {
            throw AgentError("cannot start \(description): \(error)")
        }
        state.withLock { $0.process = process }
        let thread = Thread { [self] in
            var splitter = MJPEGSplitter()
            var number = 0
            let handle = process.standardOutput!
            while !stopped, let data = try? handle.read(upToCount: 1 << 16), !data.isEmpty {
                for image in splitter.append(data) {
                    number += 1
                    deliver(CameraFrame(encoded: image, number: number))
                }
            }
            if stopped { process.send(SIGTERM) }
            let message = String(decoding: (process.standardError?.readDataToEndOfFile() ?? Data()).suffix(500), as: UTF8.self)
            let status = process.wait()
            state.withLock { state in
                if !state.stopped && status != 0 {
                    state.ending = "\(description) stopped (status \(status)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
                }
            }
            continuation.finish()
        }
        thread.name = "camera"
        thread.start()
    }

    private func startFolder(_ path: String, frameRate: Double) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
            .filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !names.isEmpty else { throw AgentError("the camera folder \(path) holds no .jpg or .png images") }
        let realTime = realTime
        let thread = Thread { [self] in
            for (i, name) in names.enumerated() where !stopped {
                guard let data = FileManager.default.contents(atPath: path + "/" + name) else { continue }
                deliver(CameraFrame(encoded: Array(data), number: i + 1))
                if realTime { Thread.sleep(forTimeInterval: 1 / frameRate) }
            }
            continuation.finish()
        }
        thread.name = "camera"
        thread.start()
    }

}
