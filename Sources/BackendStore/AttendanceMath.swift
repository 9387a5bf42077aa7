/// What attendance means day by day: present, late, absent, or a day that does
/// not count (no school, not yet enrolled, still to come), and the figures a
/// school reads from that: rates, streaks, daily and monthly averages.
/// Pure arithmetic on the facts, so a small case can be checked by hand.
public enum AttendanceMath {
    public enum Mark: String, Sendable, Codable {
        case present, late, absent
        case noSchool, notEnrolled, upcoming
    }

    /// One stored mark of a day.
    public struct DayRecord: Sendable, Equatable {
        public let status: String
        /// `HH:MM:SS` when the student came; nil for a mark by hand that does not say.
        public let time: String?
        public let method: String
        public let deviceId: String
        public let markedBy: String?
        public let reason: String?

        public init(status: String, time: String?, method: String, deviceId: String = "", markedBy: String? = nil, reason: String? = nil) {
            self.status = status
            self.time = time
            self.method = method
            self.deviceId = deviceId
            self.markedBy = markedBy
            self.reason = reason
        }
    }

    /// The mark of one day (a school day or not) for a student enrolled on
    /// `enrolledOn`, whose class starts at `startsAt` (`HH:MM`; later is late), seen on `today`.
    public static func mark(day: String, record: DayRecord?, enrolledOn: String?, isSchoolDay: Bool, today: String,
                            startsAt: String?) -> Mark {
        if day > today { return .upcoming }
        if let enrolledOn, day < enrolledOn { return .notEnrolled }
        // A mark on a day without school (a Saturday event) is kept, but counts for nothing.
        guard isSchoolDay else { return .noSchool }
        if let record, record.status == "present" {
            // Late by the time they came (a device's, or one given with a mark by hand); a mark without one is not late.
            if let startsAt, let time = record.time, time.prefix(5) > startsAt.prefix(5) { return .late }
            return .present
        }
        // Today is not over: no mark yet is not an absence yet.
        if day == today && record == nil { return .upcoming }
        return .absent
    }

    public struct Summary: Sendable, Equatable, Codable {
        /// School days that count (enrolled, past or today once marked).
        public let schoolDays: Int
        /// Of those, attended (late included).
        public let attended: Int
        public let late: Int
        /// attended / schoolDays, or nil with no school day yet.
        public let rate: Double?
        /// Attended school days in a row up to today (today counts once marked; not yet marked does not break it).
        public let currentStreak: Int
        public let longestStreak: Int

        public init(schoolDays: Int, attended: Int, late: Int, rate: Double?, currentStreak: Int, longestStreak: Int) {
            self.schoolDays = schoolDays
            self.attended = attended
            self.late = late
            self.rate = rate
            self.currentStreak = currentStreak
            self.longestStreak = longestStreak
        }
    }

    /// The figures of a run of marks, in day order.
    public static func summary(_ marks: [Mark]) -> Summary {
        var schoolDays = 0, attended = 0, late = 0, run = 0, longest = 0
        for mark in marks {
            switch mark {
            case .present, .late:
                schoolDays += 1
                attended += 1
                if mark == .late { late += 1 }
                run += 1
                longest = max(longest, run)
            case .absent:
                schoolDays += 1
                run = 0
            case .noSchool, .notEnrolled, .upcoming:
                continue
            }
        }
        return Summary(schoolDays: schoolDays, attended: attended, late: late,
                       rate: schoolDays == 0 ? nil : Double(attended) / Double(schoolDays), currentStreak: run, longestStreak: longest)
    }

    public struct DailyRate: Sendable, Equatable, Codable {
        public let day: String
        public let attended: Int
        /// Students enrolled that day (today: those not marked yet included).
        public let expected: Int
        /// Today, while some students are not marked yet: its rate so far is not a day's figure.
        public let inProgress: Bool
        public var rate: Double? { expected == 0 ? nil : Double(attended) / Double(expected) }

        enum CodingKeys: String, CodingKey { case day, attended, expected, rate, inProgress }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(day, forKey: .day)
            try container.encode(attended, forKey: .attended)
            try container.encode(expected, forKey: .expected)
            try container.encode(rate, forKey: .rate)
            try container.encode(inProgress, forKey: .inProgress)
        }

        public init(day: String, attended: Int, expected: Int, inProgress: Bool = false) {
            self.day = day
            self.attended = attended
            self.expected = expected
            self.inProgress = inProgress
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(day: try container.decode(String.self, forKey: .day), attended: try container.decode(Int.self, forKey: .attended),
                      expected: try container.decode(Int.self, forKey: .expected),
                      inProgress: try container.decodeIfPresent(Bool.self, forKey: .inProgress) ?? false)
        }
    }

    /// Each school day's attendance over a group: how many of those enrolled came.
    /// Today counts everyone enrolled, marked or not, and is flagged in progress;
    /// a day nobody has a mark on yet (still to come) has no figure.
    public static func dailyRates(days: [String], marks: [String: [Mark]]) -> [DailyRate] {
        days.enumerated().compactMap { index, day in
            var attended = 0, absent = 0, pending = 0
            for studentMarks in marks.values {
                switch studentMarks[index] {
                case .present, .late: attended += 1
                case .absent: absent += 1
                case .upcoming: pending += 1
                case .noSchool, .notEnrolled: continue
                }
            }
            guard attended + absent > 0 else { return nil }
            return DailyRate(day: day, attended: attended, expected: attended + absent + pending, inProgress: pending > 0)
        }
    }

    public struct MonthlyAverage: Sendable, Equatable, Codable {
        /// `YYYY-MM`.
        public let month: String
        /// The mean of the month's daily rates, as the original's monthly attendance average.
        public let average: Double
        public let schoolDays: Int

        public init(month: String, average: Double, schoolDays: Int) {
            self.month = month
            self.average = average
            self.schoolDays = schoolDays
        }
    }

    /// The mean of each month's finished days (today, still in progress, waits until it is over).
    public static func monthlyAverages(_ rates: [DailyRate]) -> [MonthlyAverage] {
        var byMonth: [String: [Double]] = [:]
        for rate in rates where !rate.inProgress {
            if let value = rate.rate { byMonth[String(rate.day.prefix(7)), default: []].append(value) }
        }
        return byMonth.keys.sorted().map { month in
            let values = byMonth[month]!
            return MonthlyAverage(month: month, average: values.reduce(0, +) / Double(values.count), schoolDays: values.count)
        }
    }
}
