/// Rows written as CSV (RFC 4180, CRLF line ends) that a spreadsheet opens as
/// data: a field is quoted when it holds a comma, quote or line break, and one
/// that a spreadsheet would run as a formula (starting with = + - @, a tab or a
/// line break) gets a leading apostrophe. Checked by Unicode scalar: in Swift,
/// a CR LF pair is one Character, which matches neither CR nor LF.
public struct CSVTable: Sendable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) {
        self.header = header
    }

    public mutating func append(_ row: [String]) {
        rows.append(row)
    }

    public var text: String {
        ([header] + rows).map { $0.map(Self.field).joined(separator: ",") + "\r\n" }.joined()
    }

    static let formulaStarts = "=+-@\t\r\n".unicodeScalars
    static let needsQuotes = ",\"\r\n".unicodeScalars

    public static func field(_ value: String) -> String {
        var scalars = value.unicodeScalars
        if let first = scalars.first, formulaStarts.contains(first) { scalars.insert("'", at: scalars.startIndex) }
        guard scalars.contains(where: needsQuotes.contains) else { return String(scalars) }
        var quoted = String.UnicodeScalarView()
        quoted.append("\"")
        for scalar in scalars {
            quoted.append(scalar)
            if scalar == "\"" { quoted.append("\"") }
        }
        quoted.append("\"")
        return String(quoted)
    }
}
