import DeviceHardware
import Testing

@Suite("Text for the A00 character ROM")
struct TextEncoderTests {
    let encoder = LCDTextEncoder.standard

    func shown(_ text: String) -> String {
        String(decoding: encoder.encode(text), as: UTF8.self)
    }

    @Test("ASCII prints as itself, except the ROM's Yen and arrow codes")
    func ascii() {
        #expect(shown("StreakTrack is On") == "StreakTrack is On")
        #expect(shown("C:\\path ~user") == "C:/path -user")
        #expect(shown("a\tb\nc") == "a b c")
        #expect(encoder.encode(String((0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) })).allSatisfy { $0 != 0x5C && $0 < 0x7E })
    }

    @Test("letters are transliterated", arguments: [
        ("é", "e"), ("ü", "u"), ("ß", "ss"), ("ø", "o"), ("Ø", "O"), ("Ł", "L"), ("ł", "l"), ("æ", "ae"), ("Æ", "Ae"),
        ("Ñ", "N"), ("ç", "c"), ("Å", "A"), ("œ", "oe"), ("đ", "d"), ("þ", "th"), ("ı", "i"), ("ﬁ", "fi"), ("²", "2"),
        ("Шостакович", "Shostakovich"), ("Юлия", "Yuliya"), ("Йошкар", "Yoshkar"), ("Їжак", "Yizhak"), ("Щука", "Shchuka"),
        ("объём", "obyom"), ("Θεσσαλονίκη", "Thessaloniki"), ("Ψ", "Ps"),
        ("“quoted” – it’s", "\"quoted\" - it's"), ("…", "..."), ("€5", "EUR5"), ("\u{00A0}", " "),
    ])
    func transliteration(text: String, expected: String) {
        #expect(shown(text) == expected)
    }

    @Test("what cannot be spelled prints as one '?' per character", arguments: [
        ("王小明", "???"), ("👍🏽", "?"), ("🇬🇧", "?"), ("ア", "?"),
    ])
    func unknown(text: String, expected: String) {
        #expect(shown(text) == expected)
    }

    @Test("custom glyph characters print as their CGRAM slots")
    func customCharacters() {
        #expect(encoder.encode("✓✔✔️✗✘📶") == [0, 0, 0, 1, 1, 2])
        #expect(encoder.customCharacters.map(\.glyph) == [.checkMark, .cross, .wifi])
        let mine = LCDTextEncoder(customCharacters: [LCDCustomCharacter(glyph: .wifi, characters: ["W"])])
        #expect(mine.encode("Wi") == [0, UInt8(ascii: "i")])
    }

    @Test("every output byte is printable ASCII or a glyph slot")
    func onlySafeBytes() {
        let text = "José Ñúñez Zoë Øster Łukasz Żółć Dmitri Шостакович Αθηνά ✓ 📶 王 \\ ~ \u{7F} \u{1}"
        #expect(encoder.encode(text).allSatisfy { $0 < 8 || ((0x20...0x7D).contains($0) && $0 != 0x5C) })
    }

    @Test("lines are padded or cut to the width, a cut marked with '.'")
    func lineWidth() {
        #expect(encoder.encodeLine("Hi", width: 5) == Array("Hi   ".utf8))
        #expect(encoder.encodeLine("Hello", width: 5) == Array("Hello".utf8))
        #expect(encoder.encodeLine("Hello!", width: 5) == Array("Hell.".utf8))
        // ß is two cells, so a name that fits in characters may not fit in cells.
        #expect(encoder.encodeLine("Weiß", width: 4) == Array("Wei.".utf8))
        #expect(encoder.encodeLine("✓ ok", width: 4) == [0] + Array(" ok".utf8))
        #expect(encoder.encodeLine("x", width: 0) == [])
    }
}
