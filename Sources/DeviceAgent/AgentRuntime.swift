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
        let feedback = FeedbackPresenter(output: output)
        await feedback.present(.starting, pattern: nil, thenWelcome: false)
        let directory = configuration.dataDirectory
        let store = try await FaceStore(directory: directory)
        let ledger = try await AttendanceLedger(directory: directory, deviceId: configuration.deviceId,
                                                session: AttendanceTimestamp.day(of: Date()))
        let recognizer = Recognizer(engine: engine, tolerance: configuration.tolerance)
        await recognizer.enroll(try await store.index())
        let sync = RosterSync(store: store, engine: engine)
        let rosterState = RosterState()
        let logger = logger, policy = configuration.session

        let linkBox = LinkBox()
        let link = BackendLink(configuration: configuration, ledger: ledger) { event in
            switch event {
            case .connected:
                logger.info("connected to \(self.configuration.websiteURL)")
                if policy == .connection { try? await ledger.startSession(UUID().uuidString) }
                await feedback.connection(true)
            case .disconnected(let reason, let retry):
                logger.warning("backend link down (\(reason)); retrying in \(retry)")
                await feedback.connection(false)
            case .roster(let roster, let rejected):
                if !rejected.isEmpty { logger.warning("roster entries ignored: \(rejected.joined(separator: "; "))") }
                await rosterState.replace(with: Task {
                    do {
                        let report = try await sync.run(roster) { done, total in
                            if total > 0 { await feedback.present(.syncing(done: done, total: total), pattern: nil, thenWelcome: false) }
                        }
                        for problem in report.problems { logger.warning("photo problem: \(problem)") }
                        await recognizer.enroll(try await store.index())
                        await linkBox.desk?.useRoster(roster.students)
                        await feedback.present(.studentsReceived(count: report.students, unusable: report.problems.count), pattern: nil)
                        logger.info("roster: \(report.students) students, \(report.encoded) photos encoded, \(report.reused) kept, \(report.problems.count) problems")
                    } catch is CancellationError {
                    } catch {
                        logger.error("roster sync failed: \(error)")
                        await feedback.present(.error("Roster sync failed"), pattern: .error)
                    }
                })
            case .serverError(let message):
                logger.error("server: \(message)")
                await feedback.present(.error(message), pattern: .error)
            case .delivered(let eventId):
                logger.debug("delivered \(eventId)")
            case .connecting, .startStream, .stopStream:
                break
            }
        }
        let desk = AttendanceDesk(ledger: ledger, link: link, feedback: feedback, deviceId: configuration.deviceId,
                                  detectedInterval: configuration.detectedInterval)
        await desk.useRoster(try await store.students())
        await linkBox.set(desk)
        let linkTask = Task { await link.run() }

        // Nothing can be recognised before the first roster; wait for it a while when there is none yet.
        if try await store.students().isEmpty {
            let deadline = ContinuousClock.now + .seconds(30)
            while await rosterState.first == nil, ContinuousClock.now < deadline, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(100)) }
            await rosterState.first?.value
        }

        let feed = try CameraFeed(try CameraSource.parse(configuration.camera, realTime: realTime), realTime: realTime)
        var frames = 0
        await withTaskCancellationHandler {
            for await frame in feed.frames {
                frames += 1
                defer { feed.taken() }
                guard let image = try? RGBImage(decoding: frame.encoded) else { continue }
                guard let report = try? await recognizer.process(image) else { continue }
                if !report.decisions.isEmpty {
                    try? await desk.handle(report.decisions)
                }
            }
        } onCancel: {
            feed.stop()
        }
        if let ending = feed.ending { logger.error("camera: \(ending)") }

        // Deliver what is owed before stopping, for a while; the rest stays in the outbox.
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await ledger.pending().isEmpty) == false, ContinuousClock.now < deadline, !Task.isCancelled {
            await link.deliverPending()
            try? await Task.sleep(for: .milliseconds(200))
        }
        linkTask.cancel()
        await linkTask.value
        let summary = Summary(frames: frames, marks: try await ledger.marks(), undelivered: try await ledger.pending().count)
        await feedback.shutdown()
        await ledger.close()
        await store.close()
        return summary
    }
}

/// The roster sync in progress: a newer roster cancels the one before.
actor RosterState {
    private(set) var first: Task<Void, Never>?
    private var current: Task<Void, Never>?

    func replace(with task: Task<Void, Never>) {
        current?.cancel()
        current = task
        if first == nil { first = task }
    }
}

/// The desk, known to the link's callback once both exist.
actor LinkBox {
    private(set) var desk: AttendanceDesk?
    func set(_ desk: AttendanceDesk) { self.desk = desk }
}
