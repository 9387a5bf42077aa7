/// What the driver believes each visible cell shows, so an update can send
/// only the cells that change: fewer bus writes, and no clear, so no flicker.
struct ScreenShadow {
    /// A contiguous stretch of changed cells in one row.
    struct Run: Equatable {
        let row: Int
        let column: Int
        let bytes: [UInt8]
    }

    /// nil where the glass is not known (before the first update, after a failed write).
    private var cells: [[UInt8?]]

    init(rows: Int, columns: Int) {
        cells = Array(repeating: Array(repeating: nil, count: columns), count: rows)
    }

    mutating func forget() {
        fill(nil)
    }

    mutating func fill(_ byte: UInt8?) {
        cells = cells.map { Array(repeating: byte, count: $0.count) }
    }

    mutating func set(row: Int, column: Int, to byte: UInt8) {
        cells[row][column] = byte
    }

    /// The runs to write to make the glass show `screen` (one byte per cell, every row full).
    func runs(to screen: [[UInt8]]) -> [Run] {
        var runs: [Run] = []
        for (row, wanted) in screen.enumerated() {
            var column = 0
            while column < wanted.count {
                guard cells[row][column] != wanted[column] else { column += 1; continue }
                let start = column
                while column < wanted.count && cells[row][column] != wanted[column] { column += 1 }
                runs.append(Run(row: row, column: start, bytes: Array(wanted[start..<column])))
            }
        }
        return runs
    }
}
