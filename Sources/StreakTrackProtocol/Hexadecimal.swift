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
