/// What a person would read on the glass.
extension HD44780Simulator {
    /// The visible cells of a `columns` x `rows` module, one string per row.
    /// Custom characters render as the character `glyphs` names for their
    /// CGRAM bitmap (by default the standard encoder's ✓, ✗ and 📶); anything
    /// that is not printable ASCII on the A00 ROM renders as "\u{FFFD}", so a
    /// test sees every katakana, Yen sign or unknown glyph that would appear.
    public func screen(rows: Int, columns: Int, glyphs: [LCDGlyph: Character] = HD44780Simulator.standardGlyphNames) -> [String] {
        guard displayOn else { return Array(repeating: String(repeating: " ", count: columns), count: rows) }
        let geometry = LCDGeometry(rows: rows, columns: columns)
        return geometry.rowAddresses.map { start in
            String((0..<columns).map { column in
                character(at: visibleAddress(start, column: column), glyphs: glyphs)
            })
        }
    }

    public func screen(_ geometry: LCDGeometry, glyphs: [LCDGlyph: Character] = HD44780Simulator.standardGlyphNames) -> [String] {
        screen(rows: geometry.rows, columns: geometry.columns, glyphs: glyphs)
    }

    /// The bitmap stored in CGRAM slot `slot`.
    public func glyph(slot: Int) -> LCDGlyph {
        LCDGlyph(rows: Array(cgram[slot * 8..<slot * 8 + 8]))
    }

    /// DDRAM bytes of the visible cells, row by row, as the driver sent them.
    public func codes(_ geometry: LCDGeometry) -> [[UInt8]] {
        geometry.rowAddresses.map { start in
            (0..<geometry.columns).map { column in ddramIndex(visibleAddress(start, column: column)).map { ddram[$0] } ?? 0x20 }
        }
    }

    public static let standardGlyphNames: [LCDGlyph: Character] = Dictionary(
        LCDTextEncoder.standard.customCharacters.map { ($0.glyph, $0.characters[0]) }, uniquingKeysWith: { first, _ in first })

    /// A shifted display shows each line's 40 (or 80) cells rotated.
    private func visibleAddress(_ rowStart: UInt8, column: Int) -> UInt8 {
        let lineLength = twoLines ? 40 : 80
        let lineStart: UInt8 = twoLines && rowStart >= 0x40 ? 0x40 : 0
        let offset = (Int(rowStart - lineStart) + column - displayShift) % lineLength
        return lineStart + UInt8((offset + lineLength) % lineLength)
    }

    private func character(at address: UInt8, glyphs: [LCDGlyph: Character]) -> Character {
        guard let index = ddramIndex(address) else { return " " }
        let code = ddram[index]
        switch code {
        case 0x00...0x0F: return glyphs[glyph(slot: Int(code & 0x07))] ?? "\u{FFFD}"
        case 0x5C: return "¥"
        case 0x7E: return "→"
        case 0x7F: return "←"
        case 0x20...0x7D: return Character(Unicode.Scalar(code))
        default: return "\u{FFFD}"
        }
    }
}
