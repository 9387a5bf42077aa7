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

    /// The calendar day, `YYYY-MM-DD`, of a timestamp, or nil when it is not one.
    public static func day(of timestamp: String) -> String? {
        let utf8 = Array(timestamp.utf8)
        guard utf8.count >= 10 else { return nil }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard digits.allSatisfy({ utf8[$0] >= 48 && utf8[$0] <= 57 }), utf8[4] == 45, utf8[7] == 45 else { return nil }
        let day = String(decoding: utf8[0..<10], as: UTF8.self)
        let month = Int(day.dropFirst(5).prefix(2))!, date = Int(day.suffix(2))!
        guard (1...12).contains(month), (1...31).contains(date) else { return nil }
        return day
    }

    public static func day(of date: Date, timeZone: TimeZone = .current) -> String {
        String(string(from: date, timeZone: timeZone).prefix(10))
    }
}
