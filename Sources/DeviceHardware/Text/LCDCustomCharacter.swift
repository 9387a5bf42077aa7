/// A glyph for one CGRAM slot and the text characters that print as it.
public struct LCDCustomCharacter: Equatable, Sendable {
    public let glyph: LCDGlyph
    /// The first is the glyph's name when a screen is rendered back to text.
    public let characters: [Character]

    public init(glyph: LCDGlyph, characters: [Character]) {
        precondition(!characters.isEmpty, "a custom glyph needs a character to stand for it")
        self.glyph = glyph
        self.characters = characters
    }

    public static let checkMark = LCDCustomCharacter(glyph: .checkMark, characters: ["✓", "✔"])
    public static let cross = LCDCustomCharacter(glyph: .cross, characters: ["✗", "✘"])
    /// 📶 (antenna with bars): the nearest thing Unicode has to a Wi-Fi sign.
    public static let wifi = LCDCustomCharacter(glyph: .wifi, characters: ["📶"])
}
