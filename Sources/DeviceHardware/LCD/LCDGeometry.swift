/// The shape of a character LCD and where each row starts in the controller's
/// display RAM. An HD44780 in two-line mode has two 40-cell lines at 0x00 and
/// 0x40; a four-row module shows each line in two halves, so its third and
/// fourth rows continue the first and second lines.
public struct LCDGeometry: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    /// The DDRAM address of each row's first cell.
    public let rowAddresses: [UInt8]

    public init(rows: Int, columns: Int) {
        precondition((1...4).contains(rows) && (1...40).contains(columns) && (rows < 3 || columns <= 20),
                     "an HD44780 drives up to 2 lines of 40, shown as at most 4 rows of 20")
        self.rows = rows
        self.columns = columns
        rowAddresses = Array([0x00, 0x40, UInt8(columns), 0x40 + UInt8(columns)].prefix(rows))
    }

    public static let sixteenByTwo = LCDGeometry(rows: 2, columns: 16)
    public static let twentyByFour = LCDGeometry(rows: 4, columns: 20)

    public func address(row: Int, column: Int) -> UInt8 {
        precondition((0..<rows).contains(row) && (0..<columns).contains(column), "cell (\(row), \(column)) is off a \(columns)x\(rows) screen")
        return rowAddresses[row] + UInt8(column)
    }

    /// The visible cell at DDRAM `address`, or nil for one off the glass.
    public func cell(at address: UInt8) -> (row: Int, column: Int)? {
        for (row, start) in rowAddresses.enumerated() where (start..<start + UInt8(columns)).contains(address) {
            return (row, Int(address - start))
        }
        return nil
    }
}
