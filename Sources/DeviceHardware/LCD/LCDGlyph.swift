/// A 5x8 character for the controller's CGRAM. Row 8 is where the underline
/// cursor is drawn, so glyphs leave it empty.
public struct LCDGlyph: Hashable, Sendable {
    /// Eight rows, top first; bit 4 is the leftmost pixel.
    public let rows: [UInt8]

    public init(rows: [UInt8]) {
        precondition(rows.count == 8 && rows.allSatisfy { $0 < 0x20 }, "eight rows of five pixels")
        self.rows = rows
    }

    /// From a picture, "#" for a lit pixel, anything else dark, so a glyph's
    /// definition shows what it looks like.
    public init(picture: [String]) {
        precondition(picture.count == 8 && picture.allSatisfy { $0.count == 5 }, "eight rows of five pixels")
        self.init(rows: picture.map { $0.reduce(UInt8(0)) { $0 << 1 | ($1 == "#" ? 1 : 0) } })
    }

    public static let checkMark = LCDGlyph(picture: [
        ".....",
        "....#",
        "...##",
        "#.##.",
        "###..",
        ".#...",
        ".....",
        ".....",
    ])

    public static let cross = LCDGlyph(picture: [
        ".....",
        "#...#",
        ".#.#.",
        "..#..",
        ".#.#.",
        "#...#",
        ".....",
        ".....",
    ])

    public static let wifi = LCDGlyph(picture: [
        ".....",
        ".###.",
        "#...#",
        "..#..",
        ".#.#.",
        ".....",
        "..#..",
        ".....",
    ])
}
