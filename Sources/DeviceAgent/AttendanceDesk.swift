import Foundation
import StreakTrackProtocol

/// What happens when the recognizer decides who a face is: the first sighting
/// of a student in the session is marked (ledger, then the link), later ones
/// send `detected` at most once per interval, and the person is told.
public actor AttendanceDesk {
    private let ledger: AttendanceLedger
    private let link: BackendLink?
    private let feedback: FeedbackPresenter
    private let deviceId: String
    private let detectedInterval: Duration
    private var roster: [String: RosterStudent] = [:]
    private var lastDetected: [String: ContinuousClock.Instant] = [:]

    public init(ledger: AttendanceLedger, link: BackendLink?, feedback: FeedbackPresenter, deviceId: String, detectedInterval: Duration) {
        self.ledger = ledger
        self.link = link
        self.feedback = feedback
        self.deviceId = deviceId
        self.detectedInterval = detectedInterval
    }

    public func useRoster(_ students: [RosterStudent]) {
        roster = students.byId
    }

    /// Handles the decisions of one frame together, so several people at once
    /// share one screen ("Asha, Ravi / Attendance marked").
    public func handle(_ decisions: [Recognizer.Decision], at date: Date = Date()) async throws {
        var marked: [String] = [], again: [String] = [], unknown = false, unsure = false
        for decision in decisions {
            guard case .student(let id) = decision.who else {
                if decision.who == .unsure { unsure = true } else { unknown = true }
                continue
            }
            guard let student = roster[id] else { continue }
            switch try await ledger.record(student, at: date) {
            case .marked:
                marked.append(student.name)
                lastDetected[id] = .now
            case .alreadyMarked:
                again.append(student.name)
                if let last = lastDetected[id], ContinuousClock.now - last < detectedInterval { continue }
                lastDetected[id] = .now
                let sighting = Sighting(name: student.name, enrollmentNo: student.enrollmentNo, deviceId: deviceId, studentId: id,
                                        timestamp: AttendanceTimestamp.string(from: date))
                await link?.send(.detected(sighting))
            }
        }
        if !marked.isEmpty {
            await link?.deliverPending()
            await feedback.present(.marked(names: marked + again), pattern: .marked)
        } else if !again.isEmpty {
            await feedback.present(.alreadyMarked(names: again), pattern: .alreadyMarked)
        } else if unsure {
            // Near two students: nobody is marked, and the person is asked for a better look.
            await feedback.present(.lookAtTheCamera, pattern: .unsure)
        } else if unknown {
            await feedback.present(.unknownPerson, pattern: .unknown)
        }
    }
}
