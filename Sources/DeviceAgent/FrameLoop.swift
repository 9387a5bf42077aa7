import FaceEngine
import Logging

/// The camera's frames through recognition, to the attendance desk, the
/// screen and the live stream. A live camera that fails or disappears is
/// reported and reopened (after 1 s, then longer, up to 30 s); a recording
/// ends the loop when it ends.
struct FrameLoop {
    struct Outcome {
        var frames = 0
        var counted = RecognitionReport.Frames()
        /// Why a recording stopped early (nil: it played to its end, or the run was cancelled).
        var failure: String?
    }

    let camera: String
    let realTime: Bool
    let recognizer: Recognizer
    let desk: AttendanceDesk
    let feedback: FeedbackPresenter
    let streamer: LiveStreamer
    let logger: Logger
    var firstRetry: Duration = .seconds(1)
    var maxRetry: Duration = .seconds(30)

    func run() async throws -> Outcome {
        var outcome = Outcome()
        var failures = 0
        while !Task.isCancelled {
            let source = try CameraSource.parse(camera, realTime: realTime)
            let problem: String
            do {
                let feed = try CameraFeed(source, realTime: realTime)
                logger.info("camera started: \(camera)")
                let played = await play(feed, counting: &outcome.counted)
                outcome.frames += played
                if played > 0 { failures = 0 }
                guard let ending = feed.ending else { return outcome }
                problem = ending
            } catch {
                guard source.isLive else { throw error }
                problem = "\(error)"
            }
            guard source.isLive else {
                outcome.failure = problem
                logger.error("camera: \(problem)")
                return outcome
            }
            failures += 1
            let wait = min(maxRetry, firstRetry * (1 << min(failures - 1, 8)))
            logger.error("camera: \(problem); opening it again in \(wait)")
            await feedback.present(.error("Camera lost, retrying"), pattern: .error, thenWelcome: false)
            try? await Task.sleep(for: wait)
        }
        return outcome
    }

    /// Plays one opening of the camera until it ends or the task is cancelled; returns the frames taken.
    private func play(_ feed: CameraFeed, counting counted: inout RecognitionReport.Frames) async -> Int {
        var frames = 0
        var delivered = 0
        var faceWaiting = false
        await withTaskCancellationHandler {
            for await frame in feed.frames {
                frames += 1
                delivered = max(delivered, frame.number)
                defer { feed.taken() }
                let report: Recognizer.FrameReport
                do {
                    report = try await recognizer.process(encoded: frame.encoded, number: frame.number)
                } catch {
                    logger.warning("camera frame \(frame.number) could not be read: \(error); skipped")
                    continue
                }
                counted.decoded += 1
                if !report.searched.isEmpty { counted.lookedAt += 1 }
                await streamer.offer(frame, image: nil, faces: report.tracks)
                for decision in report.decisions {
                    let distance = decision.distance.map { String(format: "%.3f", $0) } ?? "none"
                    let who = decision.who.studentId.map { "student \($0)" } ?? "unknown"
                    logger.info("frame \(frame.number): face \(decision.track) decided: \(who) (distance \(distance))")
                }
                if !report.decisions.isEmpty {
                    do { try await desk.handle(report.decisions) } catch { logger.error("attendance could not be recorded: \(error)") }
                } else if report.undecidedInView, !faceWaiting {
                    await feedback.hint(.pleaseWait, pattern: .faceSeen)
                }
                faceWaiting = report.undecidedInView
            }
        } onCancel: {
            feed.stop()
        }
        counted.delivered += delivered
        return frames
    }
}
