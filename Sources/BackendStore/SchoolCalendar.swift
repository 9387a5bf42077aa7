import Foundation
import StreakTrackProtocol

/// Which days a school is open: its weekdays, less its holidays. Days without
/// school neither count against a student nor break a streak.
public struct SchoolCalendar: Sendable, Equatable {
    /// ISO weekdays, Monday 1 to Sunday 7.
    public var weekdays: Set<Int>
    /// Day (`YYYY-MM-DD`) to the holiday's name.
    public var holidays: [String: String]

    public init(weekdays: Set<Int> = [1, 2, 3, 4, 5], holidays: [String: String] = [:]) {
        self.weekdays = weekdays
        self.holidays = holidays
    }

    public func isSchoolDay(_ day: String) -> Bool {
        guard holidays[day] == nil, let weekday = Self.weekday(of: day) else { return false }
        return weekdays.contains(weekday)
    }

    /// The school days from `first` to `last`, both included, in order.
    public func schoolDays(from first: String, to last: String) -> [String] {
        Self.days(from: first, to: last).filter(isSchoolDay)
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Every calendar day from `first` to `last`, both included (none when `last` comes first).
    public static func days(from first: String, to last: String) -> [String] {
        guard let start = date(first), let end = date(last), start <= end else { return [] }
        var days: [String] = []
        var current = start
        while current <= end {
            days.append(day(current))
            current = utc.date(byAdding: .day, value: 1, to: current)!
        }
        return days
    }

    /// The day `count` days after (or before, when negative) `day`.
    public static func day(_ day: String, plus count: Int) -> String {
        guard let date = date(day) else { return day }
        return Self.day(utc.date(byAdding: .day, value: count, to: date)!)
    }

    /// ISO weekday of a day, Monday 1 to Sunday 7.
    public static func weekday(of day: String) -> Int? {
        date(day).map { (utc.component(.weekday, from: $0) + 5) % 7 + 1 }
    }

    static func date(_ day: String) -> Date? {
        guard AttendanceTimestamp.validDay(day) != nil else { return nil }
        let parts = day.split(separator: "-").map { Int($0)! }
        return utc.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    static func day(_ date: Date) -> String {
        let c = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}

/// The school calendar kept per organization: its weekdays and its holidays.
public struct CalendarStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func calendar(organizationId: String) async throws -> SchoolCalendar {
        let organizationId = organizationId.lowercased()
        let weekdays = try await database.query("SELECT school_days FROM organizations WHERE id = ?", .text(organizationId))
            .first?.text("school_days") ?? "12345"
        var holidays: [String: String] = [:]
        for row in try await database.query("SELECT day, name FROM holidays WHERE organization_id = ?", .text(organizationId)) {
            holidays[row.text("day")!] = row.text("name")!
        }
        return SchoolCalendar(weekdays: Set(weekdays.compactMap { $0.wholeNumberValue }.filter { (1...7).contains($0) }),
                              holidays: holidays)
    }

    public func setWeekdays(_ weekdays: Set<Int>, organizationId: String) async throws {
        guard !weekdays.isEmpty, weekdays.allSatisfy({ (1...7).contains($0) }) else {
            throw StoreError(.invalid, "school days are ISO weekdays from 1 (Monday) to 7 (Sunday), at least one")
        }
        try await database.query("UPDATE organizations SET school_days = ? WHERE id = ?",
                                 .text(weekdays.sorted().map(String.init).joined()), .text(organizationId.lowercased()))
    }

    public func addHoliday(_ day: String, name: String, organizationId: String) async throws {
        guard AttendanceTimestamp.validDay(day) != nil else { throw StoreError(.invalid, "\(day) is not a date (YYYY-MM-DD)") }
        if let problem = FieldRule.name.problem(name) { throw StoreError(.invalid, "the holiday's " + problem) }
        try await database.query(
            "INSERT INTO holidays (organization_id, day, name) VALUES (?, ?, ?) ON CONFLICT (organization_id, day) DO UPDATE SET name = excluded.name",
            .text(organizationId.lowercased()), .text(day), .text(name))
    }

    public func removeHoliday(_ day: String, organizationId: String) async throws {
        let rows = try await database.query("DELETE FROM holidays WHERE organization_id = ? AND day = ? RETURNING day",
                                            .text(organizationId.lowercased()), .text(day))
        guard !rows.isEmpty else { throw StoreError(.notFound, "no holiday on \(day)") }
    }
}
