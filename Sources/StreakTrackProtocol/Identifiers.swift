import Foundation

/// The original backend's ids: MongoDB ObjectIds, 24 hexadecimal digits.
public enum ObjectID {
    public static func isValid(_ id: String) -> Bool {
        id.utf8.count == 24 && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
    }

    /// A new id: 4 bytes of seconds (as ObjectIds have), then 8 random bytes.
    public static func make(now: Date = Date()) -> String {
        let seconds = UInt32(truncatingIfNeeded: Int(now.timeIntervalSince1970))
        var bytes = withUnsafeBytes(of: seconds.bigEndian) { Array($0) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<8 { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        return bytes.hexadecimal
    }
}

/// `YYYY-MM-DD HH:MM:SS` in the device's local time: the attendance timestamp.
public enum AttendanceTimestamp {
    public static func string(from date: Date, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The calendar day, `YYYY-MM-DD`, of a timestamp, or nil unless it is
    /// exactly `YYYY-MM-DD HH:MM:SS` naming a real moment (a 30 February or a
    /// 25th hour is refused, and so is anything before or after the 19 characters).
    public static func day(of timestamp: String) -> String? {
        let utf8 = Array(timestamp.utf8)
        guard utf8.count == 19, utf8[10] == 32, utf8[13] == 58, utf8[16] == 58,
              let time = numbers(utf8, at: [11, 14, 17]), time[0] <= 23, time[1] <= 59, time[2] <= 59
        else { return nil }
        return day(utf8[0..<10])
    }

    /// `YYYY-MM-DD` when it is a real date from the year 2000 on, else nil.
    public static func validDay(_ day: String) -> String? {
        let utf8 = Array(day.utf8)
        return utf8.count == 10 ? Self.day(utf8[0..<10]) : nil
    }

    private static func day(_ utf8: ArraySlice<UInt8>) -> String? {
        let bytes = Array(utf8)
        guard bytes[4] == 45, bytes[7] == 45, let year = numbers(bytes, at: [0], width: 4)?[0],
              let monthDay = numbers(bytes, at: [5, 8]), year >= 2000, (1...12).contains(monthDay[0]),
              (1...daysIn(month: monthDay[0], year: year)).contains(monthDay[1])
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The decimal numbers of `width` ASCII digits starting at each offset, or nil if any is not.
    private static func numbers(_ bytes: [UInt8], at offsets: [Int], width: Int = 2) -> [Int]? {
        var values: [Int] = []
        for offset in offsets {
            var value = 0
            for byte in bytes[offset..<(offset + width)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            values.append(value)
        }
        return values
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func day(of date: Date, timeZone: TimeZone = .current) -> String {
        String(string(from: date, timeZone: timeZone).prefix(10))
    }
}
