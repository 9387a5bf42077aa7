// libFuzzer entry for CSV exports: any text a device, an enrolment or a person put
// in a field is written by CSVTable and read back by CSV.swift, an RFC 4180 reader
// compiled into the same module (scripts/fuzz). Every row must come back as one
// row with its fields as written, and no field may start a spreadsheet formula.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Byte 0x00 ends a field, 0x01 a row: the rest is text, invalid UTF-8 included.
    var rows: [[String]] = []
    var row: [String] = []
    var field: [UInt8] = []
    for byte in UnsafeBufferPointer(start: data, count: size) {
        switch byte {
        case 0x00: row.append(String(decoding: field, as: UTF8.self)); field = []
        case 0x01: rows.append(row + [String(decoding: field, as: UTF8.self)]); row = []; field = []
        default: field.append(byte)
        }
    }
    rows.append(row + [String(decoding: field, as: UTF8.self)])
    let width = rows.map(\.count).max() ?? 1
    var table = CSVTable(header: (0..<width).map { "c\($0)" })
    for row in rows { table.append(row + Array(repeating: "", count: width - row.count)) }

    guard let reader = try? CSVReader(string: table.text) else { fatalError("CSV.swift cannot read our CSV: \(table.text.debugDescription)") }
    var read: [[String]] = []
    while let row = reader.next() { read.append(row) }
    guard read.count == rows.count + 1 else {
        fatalError("\(rows.count) rows became \(read.count - 1): \(table.text.debugDescription)")
    }
    let formulaStarts = "=+-@\t\r\n".unicodeScalars
    for (written, back) in zip(table.rows, read.dropFirst()) {
        guard back.count == written.count else { fatalError("a row split or merged: \(written) read as \(back)") }
        for (value, cell) in zip(written, back) {
            let expected = value.unicodeScalars.first.map(formulaStarts.contains) == true ? "'" + value : value
            guard cell == expected else { fatalError("\(value.debugDescription) read back as \(cell.debugDescription)") }
            if let first = cell.unicodeScalars.first, formulaStarts.contains(first) { fatalError("a formula: \(cell.debugDescription)") }
        }
    }
    return 0
}
