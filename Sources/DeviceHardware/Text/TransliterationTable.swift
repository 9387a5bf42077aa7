/// ASCII spellings of letters that are not a Latin letter with marks, and of
/// common typographic punctuation. Lower case only: Transliteration derives
/// upper case. Cyrillic follows the usual English-language romanisation
/// (Шостакович is Shostakovich), Greek the ELOT 743 one.
enum TransliterationTable {
    static let spelling: [Unicode.Scalar: String] = latin
        .merging(cyrillic) { $1 }
        .merging(greek) { $1 }
        .merging(punctuation) { $1 }

    private static let latin: [Unicode.Scalar: String] = [
        "ß": "ss", "ẞ": "SS", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
        "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "ng", "ĸ": "k", "ƒ": "f", "ə": "e", "ɛ": "e", "ɔ": "o",
    ]

    private static let cyrillic: [Unicode.Scalar: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
        "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
        // Ukrainian, Belarusian, Serbian, Macedonian
        "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j", "љ": "lj",
        "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    ]

    private static let greek: [Unicode.Scalar: String] = [
        "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
        "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
        "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
    ]

    private static let punctuation: [Unicode.Scalar: String] = [
        "\u{2018}": "'", "\u{2019}": "'", "\u{201A}": "'", "\u{2032}": "'", "\u{201C}": "\"",
        "\u{201D}": "\"", "\u{201E}": "\"", "\u{2033}": "\"", "«": "\"", "»": "\"", "\u{2010}": "-",
        "\u{2011}": "-", "\u{2013}": "-", "\u{2014}": "-", "\u{2212}": "-", "•": "*", "·": ".",
        "×": "x", "÷": "/", "\u{2044}": "/", "°": "o", "€": "EUR", "£": "GBP", "¡": "!", "¿": "?",
    ]
}
