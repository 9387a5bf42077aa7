import DeviceAgent
import FaceEngine
import Foundation
import StreakTrackProtocol
import TestSupport
import Testing

@Suite("From decisions to marks and screens")
struct AttendanceDeskTests {
    @Test func firstSightingMarksLaterOnesDoNotAndStrangersAreTold() async throws {
        let directory = try Fixtures.scratchDirectory()
        let ledger = try await AttendanceLedger(directory: directory, deviceId: "door-1", session: "2026-11-24")
        let output = RecordingFeedback()
        let feedback = FeedbackPresenter(output: output, eventScreenTime: .milliseconds(10))
        let desk = AttendanceDesk(ledger: ledger, link: nil, feedback: feedback, deviceId: "door-1", detectedInterval: .seconds(30))
        let asha = RosterStudent(id: "65f0c1000000000000000001", name: "Asha Verma", enrollmentNo: "1", images: [])
        let ravi = RosterStudent(id: "65f0c1000000000000000002", name: "Ravi Kumar", enrollmentNo: "2", images: [])
        await desk.useRoster([asha, ravi])
        let box = FaceBox(top: 0, right: 10, bottom: 10, left: 0)
        func decide(_ who: FaceTracker.Candidate...) -> [Recognizer.Decision] {
            who.enumerated().map { Recognizer.Decision(track: $0.offset, who: $0.element, box: box, distance: 0.3) }
        }

        try await desk.handle(decide(.student(asha.id), .student(ravi.id)))
        await feedback.settle()
        #expect(output.recorded.contains(.screen(["Asha Verma", "Ravi Kumar", "Attendance marked", ""])), "two people at once")
        #expect(try await ledger.pending().count == 2)

        try await desk.handle(decide(.student(asha.id)))
        await feedback.settle()
        #expect(output.recorded.contains(.screen(["Asha Verma", "Already marked", "", ""])))
        #expect(try await ledger.pending().count == 2, "no second attendance")

        try await desk.handle(decide(.unknown))
        await feedback.settle()
        #expect(output.recorded.contains(.screen(["Unknown Person", "", "", ""])))

        // Near two students: nobody marked, the person asked for a better look.
        try await desk.handle(decide(.unsure))
        await feedback.settle()
        #expect(output.recorded.contains(.screen(["Not sure who you are", "Please look at", "the camera", ""])))
        #expect(try await ledger.pending().count == 2, "an unsure face marks nobody")
        await ledger.close()
    }
}
