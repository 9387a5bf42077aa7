import DeviceAgent
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

@Suite("Attendance ledger and outbox")
struct AttendanceLedgerTests {
    let asha = RosterStudent(id: "65f0c1000000000000000001", name: "Asha Verma", enrollmentNo: "0801CS211", images: [])
    let ravi = RosterStudent(id: "65f0c1000000000000000002", name: "Ravi Kumar", enrollmentNo: "0801CS212", images: [])

    func attendanceFile(_ directory: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/attendance.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: String]
    }

    @Test func firstSightingQueuesAttendanceOnceAndSurvivesAReopen() async throws {
        let directory = try Fixtures.scratchDirectory()
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: "2026-11-24")
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        guard case .marked(let first) = try await ledger.record(asha, at: at) else { Issue.record("not marked"); return }
        guard case .attendance(let sighting, let eventId) = first.message else { Issue.record("not attendance"); return }
        #expect(sighting == Sighting(name: "Asha Verma", enrollmentNo: "0801CS211", deviceId: "door-1", studentId: asha.id,
                                     timestamp: AttendanceTimestamp.string(from: at)))
        #expect(eventId == first.eventId)
        guard case .alreadyMarked = try await ledger.record(asha, at: at.addingTimeInterval(60)) else { Issue.record("marked twice"); return }
        _ = try await ledger.record(ravi, at: at.addingTimeInterval(5))
        #expect(try attendanceFile(directory).keys.sorted() == [asha.id, ravi.id])
        await ledger.close()

        // As after a crash or restart: the marks and the undelivered events are all there, in order.
        let reopened = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: "2026-11-24")
        let pending = try await reopened.pending()
        #expect(pending.map(\.eventId).first == first.eventId && pending.count == 2)
        #expect(pending[0].sequence < pending[1].sequence)
        guard case .alreadyMarked = try await reopened.record(asha, at: at) else { Issue.record("marked again after reopen"); return }
        try await reopened.delivered(first.eventId)
        #expect(try await reopened.pending().count == 1)
        await reopened.close()
    }

    @Test func aNewSessionMarksAgainAndRewritesTheFile() async throws {
        let directory = try Fixtures.scratchDirectory()
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: "2026-11-24")
        _ = try await ledger.record(asha, at: Date())
        try await ledger.startSession("2026-11-25")
        #expect(try attendanceFile(directory).isEmpty)
        guard case .marked = try await ledger.record(asha, at: Date()) else { Issue.record("a new day did not mark"); return }
        #expect(try await ledger.pending().count == 2, "yesterday's undelivered event is still owed")
        #expect(!FileManager.default.fileExists(atPath: directory + "/attendance.json.tmp"))
        await ledger.close()
    }
}
