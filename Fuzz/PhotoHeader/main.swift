// libFuzzer entry for the photo checks an upload passes before it is stored: the
// JPEG and PNG headers are read from bytes anyone with the admin token, or a bulk
// enrolment file, can supply. A refusal is a StoreError; nothing may trap (an
// overflowing width * height once killed the server with a 45-byte PNG).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let photo = try? PhotoUpload(bytes: bytes, maxBytes: 1 << 20, maxPixels: 40_000_000) else { return 0 }
    guard photo.width > 0, photo.height > 0, photo.width <= 40_000_000 / photo.height else {
        fatalError("accepted a \(photo.width)x\(photo.height) photo")
    }
    guard photo.bytes == bytes else { fatalError("the stored bytes are not the uploaded ones") }
    return 0
}
