import BackendStore
import Testing

/// The figures a school reads, on a week small enough to count by hand.
/// November 2026: Monday the 23rd to Monday the 30th ("today"); Wednesday the
/// 25th a holiday; school Monday to Friday; the class starts at 08:30.
@Suite("Attendance arithmetic")
struct AttendanceMathTests {
    let calendar = SchoolCalendar(weekdays: [1, 2, 3, 4, 5], holidays: ["2026-11-25": "Founders' Day"])
    let week = SchoolCalendar.days(from: "2026-11-23", to: "2026-11-30")
    let today = "2026-11-30"

    func record(_ time: String, status: String = "present") -> AttendanceMath.DayRecord {
        AttendanceMath.DayRecord(status: status, time: time, method: "automatic")
    }

    /// Asha: early Monday, late Tuesday, a mark on the holiday (it counts for nothing), early
    /// Thursday, away Friday, the weekend, and not yet in today.
    var asha: [String: AttendanceMath.DayRecord] {
        ["2026-11-23": record("08:20:00"), "2026-11-24": record("08:45:10"), "2026-11-25": record("10:00:00"),
         "2026-11-26": record("08:10:00")]
    }

    func marks(_ records: [String: AttendanceMath.DayRecord], enrolledOn: String) -> [AttendanceMath.Mark] {
        week.map { AttendanceMath.mark(day: $0, record: records[$0], enrolledOn: enrolledOn, isSchoolDay: calendar.isSchoolDay($0), today: today,
                                       startsAt: "08:30") }
    }

    @Test func aWeekCountedByHand() {
        #expect(SchoolCalendar.weekday(of: "2026-11-30") == 1 && SchoolCalendar.weekday(of: "2026-11-29") == 7)
        #expect(calendar.schoolDays(from: "2026-11-23", to: "2026-11-30") == ["2026-11-23", "2026-11-24", "2026-11-26", "2026-11-27", "2026-11-30"])
        let marks = marks(asha, enrolledOn: "2026-11-23")
        #expect(marks == [.present, .late, .noSchool, .present, .absent, .noSchool, .noSchool, .upcoming])
        // Four school days so far (today is not over), three attended, one of them late; the holiday
        // does not break Monday-Tuesday-Thursday, Friday's absence does; today's missing mark is no absence yet.
        #expect(AttendanceMath.summary(marks) == AttendanceMath.Summary(schoolDays: 4, attended: 3, late: 1, rate: 0.75,
                                                                         currentStreak: 0, longestStreak: 3))
        var inToday = asha
        inToday[today] = record("08:00:00")
        #expect(AttendanceMath.summary(self.marks(inToday, enrolledOn: "2026-11-23"))
                == AttendanceMath.Summary(schoolDays: 5, attended: 4, late: 1, rate: 0.8, currentStreak: 1, longestStreak: 3))
        var markedAbsent = asha
        markedAbsent["2026-11-23"] = record("09:00:00", status: "absent")
        #expect(self.marks(markedAbsent, enrolledOn: "2026-11-23").first == .absent, "a hand-made absence is one")
    }

    @Test func dailyRatesAndTheMonthlyAverage() {
        // Ravi joins on Thursday and comes Thursday, Friday and (already) today; Asha is not in yet.
        let ravi = ["2026-11-26": record("08:00:00"), "2026-11-27": record("08:05:00"), "2026-11-30": record("07:55:00")]
        let rates = AttendanceMath.dailyRates(days: week, marks: ["asha": marks(asha, enrolledOn: "2026-11-23"),
                                                                  "ravi": marks(ravi, enrolledOn: "2026-11-26")])
        #expect(rates == [AttendanceMath.DailyRate(day: "2026-11-23", attended: 1, expected: 1),
                          AttendanceMath.DailyRate(day: "2026-11-24", attended: 1, expected: 1),
                          AttendanceMath.DailyRate(day: "2026-11-26", attended: 2, expected: 2),
                          AttendanceMath.DailyRate(day: "2026-11-27", attended: 1, expected: 2),
                          AttendanceMath.DailyRate(day: "2026-11-30", attended: 1, expected: 2, inProgress: true)])
        // Today, half over, is no 100 % nor 50 % day yet: the month's average waits for it.
        #expect(AttendanceMath.monthlyAverages(rates) == [AttendanceMath.MonthlyAverage(month: "2026-11", average: 0.875, schoolDays: 4)])
    }

    @Test func daysAcrossMonthsAndLeapYears() {
        #expect(SchoolCalendar.days(from: "2024-02-28", to: "2024-03-01") == ["2024-02-28", "2024-02-29", "2024-03-01"])
        #expect(SchoolCalendar.day("2026-12-31", plus: 1) == "2027-01-01")
        #expect(SchoolCalendar.days(from: "2026-11-30", to: "2026-11-01").isEmpty)
    }
}
