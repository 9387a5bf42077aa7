import Foundation

/// One character of text as printable ASCII for the LCD, so "José" shows as
/// "Jose" rather than "Jos" and a katakana. Letters with marks lose the marks
/// (compatibility decomposition: é is e + accent, ﬁ is f i, ² is 2); letters
/// that are not a Latin letter plus marks (ß, ø, Ł, Cyrillic, Greek) come from
/// TransliterationTable; what neither knows prints as "?".
enum Transliteration {
    static func ascii(_ character: Character) -> [UInt8] {
        if let ascii = character.asciiValue { return safeASCII(ascii) }
        // The whole character first: й is "y", which decomposing to и + breve would lose.
        if character.unicodeScalars.count == 1, let whole = latin(character.unicodeScalars.first!) {
            return Array(whole.utf8)
        }
        var out: [UInt8] = []
        var unknown = false
        for scalar in String(character).decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.isASCII {
                out += safeASCII(UInt8(scalar.value))
            } else if let latin = latin(scalar) {
                out += Array(latin.utf8)
            } else if !isIgnorable(scalar) {
                unknown = true
            }
        }
        return out.isEmpty && unknown ? [UInt8(ascii: "?")] : out
    }

    /// The A00 ROM's exceptions to ASCII, and controls, made harmless: 0x5C
    /// would print a Yen sign and 0x7E an arrow.
    private static func safeASCII(_ byte: UInt8) -> [UInt8] {
        switch byte {
        case UInt8(ascii: "\\"): [UInt8(ascii: "/")]
        case UInt8(ascii: "~"): [UInt8(ascii: "-")]
        case 0x20...0x7D: [byte]
        default: [0x20]
        }
    }

    /// The table's spelling; an upper-case letter takes its lower case's
    /// spelling with the first letter capitalised (Ш is "Sh", not "SH").
    private static func latin(_ scalar: Unicode.Scalar) -> String? {
        if let spelled = TransliterationTable.spelling[scalar] { return spelled }
        guard scalar.properties.isUppercase,
              let lower = scalar.properties.lowercaseMapping.unicodeScalars.first,
              let spelled = TransliterationTable.spelling[lower] else { return nil }
        return spelled.prefix(1).uppercased() + spelled.dropFirst()
    }

    /// Marks left over from decomposition, variation selectors, joiners: they
    /// modify a letter and print as nothing of their own.
    private static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format: true
        default: false
        }
    }
}
