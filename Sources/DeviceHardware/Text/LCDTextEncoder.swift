/// Text to the bytes an HD44780 with the common A00 (Japanese) character ROM
/// prints: one byte per cell. Its ROM agrees with ASCII from 0x20 to 0x7D
/// except 0x5C, which is a Yen sign; 0x7E and 0x7F are arrows, and most of
/// 0x80-0xFF is katakana. So only ASCII goes out: other letters are
/// transliterated, characters with a custom glyph print as its CGRAM slot,
/// and anything else is "?" rather than a stray katakana.
public struct LCDTextEncoder: Equatable, Sendable {
    /// Slot i of CGRAM holds customCharacters[i].
    public let customCharacters: [LCDCustomCharacter]
    private let slotByScalar: [Unicode.Scalar: UInt8]

    public init(customCharacters: [LCDCustomCharacter]) {
        precondition(customCharacters.count <= 8, "CGRAM holds 8 glyphs of 5x8")
        self.customCharacters = customCharacters
        var slots: [Unicode.Scalar: UInt8] = [:]
        for (slot, custom) in customCharacters.enumerated() {
            for character in custom.characters { slots[character.unicodeScalars.first!] = UInt8(slot) }
        }
        slotByScalar = slots
    }

    /// Check mark in slot 0, cross in 1, Wi-Fi in 2.
    public static let standard = LCDTextEncoder(customCharacters: [.checkMark, .cross, .wifi])

    public func encode(_ text: String) -> [UInt8] {
        text.flatMap { character -> [UInt8] in
            // Keyed by the first scalar, so "✔️" (with an emoji variation selector) is still the check mark.
            if let slot = slotByScalar[character.unicodeScalars.first!] { return [slot] }
            return Transliteration.ascii(character)
        }
    }

    /// Exactly `width` cells: padded with spaces, or cut with "." in the last
    /// cell so a cut name reads as cut.
    public func encodeLine(_ text: String, width: Int) -> [UInt8] {
        let bytes = encode(text)
        guard bytes.count > width else { return bytes + Array(repeating: 0x20, count: width - bytes.count) }
        guard width > 0 else { return [] }
        return bytes.prefix(width - 1) + [UInt8(ascii: ".")]
    }
}
