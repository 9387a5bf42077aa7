/// Bytes as lower-case hexadecimal: ids, secrets, and SHA-256 digests of photos and models.
extension Sequence where Element == UInt8 {
    public var hexadecimal: String {
        var text = ""
        for byte in self {
            text.append(String(byte >> 4, radix: 16))
            text.append(String(byte & 0x0F, radix: 16))
        }
        return text
    }
}

extension Array where Element == UInt8 {
    /// The bytes of an even-length hexadecimal text, or nil when it is not one.
    public init?(hexadecimal text: String) {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 48...57: digit - 48
            case 97...102: digit - 87
            case 65...70: digit - 55
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self = bytes
    }
}
