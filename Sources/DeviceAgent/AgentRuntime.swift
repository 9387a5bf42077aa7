import FaceEngine
import Foundation
import Logging
import StreakTrackProtocol

/// The device, wired: camera → recognizer → attendance desk, with the roster
/// kept in sync over the backend link and every change told on the feedback
/// output. Runs until the camera ends (a file or folder) or the task is cancelled.
public final class AgentRuntime: Sendable {
    public struct Summary: Sendable {
        public let frames: Int
        /// Student id → ISO time, the session's marks (as in attendance.json).
        public let marks: [String: String]
        public let undelivered: Int
        /// Why a video file or folder stopped early.
        public let cameraFailure: String?
        /// What recognition did and what it cost.
        public let recognition: RecognitionReport
    }

    let configuration: AgentConfiguration
    let engine: FaceEngine
    let output: any FeedbackOutput
    let realTime: Bool
    let logger: Logger

    public init(configuration: AgentConfiguration, engine: FaceEngine, output: any FeedbackOutput, realTime: Bool = true,
                logger: Logger = Logger(label: "streaktrack.agent")) {
        self.configuration = configuration
        self.engine = engine
        self.output = output
        self.realTime = realTime
        self.logger = logger
    }

    public func run() async throws -> Summary {
        let started = ContinuousClock.now, startCPU = StageClock.processCPUSeconds()
        let feedback = FeedbackPresenter(output: output)
        await feedback.present(.starting, pattern: nil, thenWelcome: false)
        let directory = configuration.dataDirectory
        let store = try await FaceStore(directory: directory)
        let ledger = try await AttendanceLedger(directory: directory, deviceId: configuration.deviceId,
                                                session: AttendanceTimestamp.day(of: Date()))
        let recognizer = Recognizer(engine: engine, rule: IdentificationRule(tolerance: configuration.tolerance,
                                                                            margin: configuration.margin ?? IdentificationRule.standard.margin))
        await recognizer.enroll(try await store.index())
        // Recognition's engine has one worker; a sync encodes with one per core, made from the same models for it alone.
        let sync = RosterSync(store: store, models: engine.models, downloader: HTTPPhotoDownloader(tls: configuration.tls),
                              tolerance: configuration.tolerance)
        let rosterState = RosterState()
        let logger = logger, policy = configuration.session

        let linkBox = LateBound<AttendanceDesk>()
        let streamerBox = LateBound<LiveStreamer>()
        let link = BackendLink(configuration: configuration, ledger: ledger) { event in
            switch event {
            case .connected:
                logger.info("connected to \(self.configuration.websiteURL)")
                if policy == .connection { try? await ledger.startSession(UUID().uuidString) }
                await feedback.connection(true)
            case .disconnected(let reason, let retry):
                logger.warning("backend link down (\(reason)); retrying in \(retry)")
                await streamerBox.value?.stop()
                await feedback.connection(false)
            case .roster(let roster, let rejected):
                if !rejected.isEmpty { logger.warning("roster entries ignored: \(rejected.joined(separator: "; "))") }
                // A message whose every entry is broken is not an empty class: keep the roster there is.
                guard rejected.isEmpty || !roster.students.isEmpty else {
                    logger.warning("a roster message with no usable student was ignored")
                    return
                }
                await rosterState.replace {
                    do {
                        let report = try await sync.run(roster) { done, total in
                            if total > 0 { await feedback.present(.syncing(done: done, total: total), pattern: nil, thenWelcome: false) }
                        }
                        for problem in report.problems { logger.warning("photo problem: \(problem)") }
                        Self.logPairsToCheck(report, logger: logger)
                        await recognizer.enroll(try await store.index())
                        await linkBox.value?.useRoster(roster.students)
                        await streamerBox.value?.useRoster(roster.students)
                        await feedback.present(.studentsReceived(count: report.students, unusable: report.problems.count), pattern: nil)
                        logger.info("roster: \(report.students) students, \(report.encoded) photos encoded, \(report.reused) kept, \(report.problems.count) problems, \(report.received) descriptors taken from the roster")
                    } catch is CancellationError {
                    } catch {
                        logger.error("roster sync failed: \(error)")
                        await feedback.present(.error("Roster sync failed"), pattern: .error)
                    }
                }
            case .serverError(let message):
                logger.error("server: \(message)")
                await feedback.present(.error(message), pattern: .error)
            case .delivered(let eventId):
                logger.debug("delivered \(eventId)")
            case .startStream:
                logger.info("live stream requested")
                await streamerBox.value?.start()
            case .stopStream:
                logger.info("live stream stopped")
                await streamerBox.value?.stop()
            case .connecting:
                break
            }
        }
        let desk = AttendanceDesk(ledger: ledger, link: link, feedback: feedback, deviceId: configuration.deviceId,
                                  detectedInterval: configuration.detectedInterval)
        let enrolled = try await store.students()
        await desk.useRoster(enrolled)
        await linkBox.set(desk)
        let streamer = LiveStreamer(settings: configuration.stream, stages: recognizer.stages) { await link.send($0) }
        await streamer.useRoster(enrolled)
        await streamerBox.set(streamer)
        let linkTask = Task { await link.run() }

        // Nothing can be recognised before the first roster; wait for it a while when there is none yet.
        if enrolled.isEmpty {
            let deadline = ContinuousClock.now + .seconds(30)
            while await !rosterState.started, ContinuousClock.now < deadline, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(100)) }
            await rosterState.settled()
        }

        let loop = FrameLoop(camera: configuration.camera, realTime: realTime, recognizer: recognizer, desk: desk,
                             feedback: feedback, streamer: streamer, logger: logger)
        let outcome: FrameLoop.Outcome
        do {
            outcome = try await loop.run()
        } catch {
            linkTask.cancel()
            await feedback.present(.error("Camera: \(error)"), pattern: .error, thenWelcome: false)
            await feedback.shutdown()
            throw error
        }
        await streamer.stop()

        // Deliver what is owed before stopping, for a while; the rest stays in the outbox.
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await ledger.pending().isEmpty) == false, ContinuousClock.now < deadline, !Task.isCancelled {
            await link.deliverPending()
            try? await Task.sleep(for: .milliseconds(200))
        }
        linkTask.cancel()
        await linkTask.value
        let recognition = RecognitionReport(frames: outcome.counted, stages: recognizer.stages.seconds,
                                            processCPUSeconds: StageClock.processCPUSeconds() - startCPU,
                                            wallSeconds: (ContinuousClock.now - started) / .seconds(1), timeline: await recognizer.timeline)
        let summary = Summary(frames: outcome.frames, marks: try await ledger.marks(), undelivered: try await ledger.pending().count,
                              cameraFailure: outcome.failure, recognition: recognition)
        await feedback.shutdown()
        await ledger.close()
        await store.close()
        return summary
    }
}

/// The roster sync in progress. A newer roster cancels the one before and
/// starts only once it has stopped, so two syncs never write at the same time.
actor RosterState {
    private var current: Task<Void, Never>?
    private(set) var started = false

    func replace(with sync: @escaping @Sendable () async -> Void) {
        let previous = current
        previous?.cancel()
        started = true
        current = Task {
            await previous?.value
            guard !Task.isCancelled else { return }
            await sync()
        }
    }

    /// Waits until the newest sync, and any that supersedes it meanwhile, has finished.
    func settled() async {
        while let task = current {
            await task.value
            if task == current { return }
        }
    }
}

/// What the link's callback needs but can exist only once the link does (the desk, the streamer).
actor LateBound<Value: Sendable> {
    private(set) var value: Value?
    func set(_ value: Value) { self.value = value }
}

extension AgentRuntime {
    /// What a person should check in the roster: students who look alike, and photos that disagree with their owner's others.
    static func logPairsToCheck(_ report: RosterSync.Report, logger: Logger, limit: Int = 20) {
        for pair in report.lookAlikes.prefix(limit) {
            logger.warning("look-alike students: \(pair): a face of either is marked only when clearly nearer one; more photos of both help")
        }
        if report.lookAlikes.count > limit { logger.warning("look-alike students: \(report.lookAlikes.count - limit) more pairs") }
        for photo in report.photosThatDisagree.prefix(limit) {
            logger.warning("photo to check: \(photo): is it the same person?")
        }
        if report.photosThatDisagree.count > limit { logger.warning("photos to check: \(report.photosThatDisagree.count - limit) more") }
    }
}
