import Foundation
import NIOCore
import Synchronization
import ZIPFoundation

/// The photos (and CSV) of a bulk enrolment, from a folder or a ZIP file, kept in
/// a private folder of their own while the enrolment is prepared. A ZIP is read
/// within limits, whatever its headers claim: no file over 15 MB, 200 MB and
/// 10,000 files in all, no path outside the folder. An upload is written to disk
/// as it arrives, never held whole in memory (nor is a ZIP while it is expanded).
public final class EnrolmentFiles: Sendable {
    public let directory: String
    /// Uploads on their way in, beside the held files (never listed among them).
    private let incoming: String
    public static let maxFileBytes = 15 << 20
    public static let maxTotalBytes = 200 << 20
    public static let maxFiles = 10_000
    private let held = Mutex((files: 0, bytes: 0))

    public init() throws {
        directory = NSTemporaryDirectory() + "streaktrack-enrolment-" + UUID().uuidString
        incoming = directory + "-incoming"
        for folder in [directory, incoming] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
        try? FileManager.default.removeItem(atPath: incoming)
    }

    /// Bytes held (expanded ZIPs counted by what they expanded to).
    public var heldBytes: Int { held.withLock { $0.bytes } }

    /// Receives one file as its bytes arrive, straight to disk, refusing it as soon
    /// as it is over its limit (15 MB for a photo or CSV, 200 MB for a ZIP) or would
    /// take the enrolment over 200 MB; a `.zip` is expanded once whole.
    public func receive<Body: AsyncSequence & Sendable>(_ name: String, body: Body) async throws where Body.Element == ByteBuffer {
        let isZip = (name as NSString).pathExtension.lowercased() == "zip"
        let limit = isZip ? Self.maxTotalBytes : Self.maxFileBytes
        guard isZip || safePath(name) != nil else { throw BulkEnrolmentError("\(name) is not a path inside the enrolment") }
        let (temporary, handle) = try incomingFile(for: name)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        var size = 0
        do {
            defer { try? handle.close() }
            let alreadyHeld = heldBytes
            for try await chunk in body {
                size += chunk.readableBytes
                guard size <= limit else { throw BulkEnrolmentError("\(name) is larger than \(limit >> 20) MB", tooLarge: true) }
                guard alreadyHeld + size <= Self.maxTotalBytes else { throw BulkEnrolmentError("more than 200 MB of files: enrol in parts", tooLarge: true) }
                try Self.write(chunk, to: handle)
            }
        }
        if isZip { return try expand(file: temporary) }
        try keep(name, movingFrom: temporary, size: size)
    }

    /// Relative paths of every file held, in order.
    public var names: [String] {
        (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .filter { var isDirectory: ObjCBool = false
                      return FileManager.default.fileExists(atPath: directory + "/" + $0, isDirectory: &isDirectory) && !isDirectory.boolValue }
            .sorted()
    }

    /// A held file's bytes, found by its path or, failing that, by its file name alone (a CSV names photos without folders).
    public func bytes(_ name: String) -> [UInt8]? {
        if let path = safePath(name), let data = FileManager.default.contents(atPath: path) { return Array(data) }
        let wanted = (name as NSString).lastPathComponent
        guard let match = names.first(where: { ($0 as NSString).lastPathComponent == wanted }) else { return nil }
        return FileManager.default.contents(atPath: directory + "/" + match).map(Array.init)
    }

    /// Keeps a file under `name`; a `.zip` is expanded in its place.
    public func add(_ name: String, bytes: [UInt8]) throws {
        if (name as NSString).pathExtension.lowercased() == "zip" {
            let temporary = try stash(Data(bytes), for: name)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            return try expand(file: temporary)
        }
        guard bytes.count <= Self.maxFileBytes else { throw BulkEnrolmentError("\(name) is larger than 15 MB", tooLarge: true) }
        try write(name, Data(bytes))
    }

    /// Copies a folder's files (photos and a CSV), keeping their relative paths.
    public func add(folder: String) throws {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { throw BulkEnrolmentError("cannot read the folder \(folder)") }
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: folder + "/" + relative) else { continue }
            try add(relative, bytes: Array(data))
        }
    }

    /// A new empty file among the uploads on their way in (the owner's only), open for writing.
    private func incomingFile(for name: String) throws -> (path: String, handle: FileHandle) {
        let path = try stash(nil, for: name)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw BulkEnrolmentError("cannot keep \(name)") }
        return (path, handle)
    }

    /// A new file among the uploads on their way in (the owner's only), holding `data`; its path.
    private func stash(_ data: Data?, for name: String) throws -> String {
        let path = incoming + "/" + UUID().uuidString
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw BulkEnrolmentError("cannot keep \(name)")
        }
        return path
    }

    /// Refuses at once what cannot be a ZIP file: it starts with a local file header
    /// (or is an empty archive) and ends with its directory's end record, within the
    /// last 64 KiB. ZIPFoundation looks for that record byte by byte from the end of
    /// the file: about a minute for 190 MB of random bytes.
    private static func requireZIP(_ file: String) throws {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw BulkEnrolmentError("cannot read the ZIP file") }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 4)) ?? nil
        let size = (try? handle.seekToEnd()) ?? 0
        let tailLength = min(size, 22 + 65_535)
        try? handle.seek(toOffset: size - tailLength)
        let tail = [UInt8]((try? handle.read(upToCount: Int(tailLength))) ?? nil ?? Data())
        let endRecord: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        let opens = start.map { [UInt8]($0) == [0x50, 0x4B, 0x03, 0x04] || [UInt8]($0) == endRecord } ?? false
        let closes = tail.count >= 22 && (0...(tail.count - 22)).contains { offset in tail[offset..<(offset + 4)].elementsEqual(endRecord) }
        guard opens, closes else { throw BulkEnrolmentError("the file is not a ZIP file") }
    }

    /// A chunk's bytes as they lie in memory, in one call, without copying them.
    private static func write(_ chunk: ByteBuffer, to handle: FileHandle) throws {
        try chunk.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
    }

    /// Expands a ZIP file entry by entry, each written to disk as it is inflated.
    private func expand(file: String) throws {
        try Self.requireZIP(file)
        let archive: Archive
        do { archive = try Archive(url: URL(fileURLWithPath: file), accessMode: .read) } catch {
            throw BulkEnrolmentError("the ZIP file cannot be read: \(error)")
        }
        for entry in archive where entry.type == .file {
            // macOS keeps resource forks beside the files: not photos.
            guard !entry.path.hasPrefix("__MACOSX/"), !(entry.path as NSString).lastPathComponent.hasPrefix("._") else { continue }
            let (temporary, handle) = try incomingFile(for: entry.path)
            defer { try? FileManager.default.removeItem(atPath: temporary) }
            var size = 0
            do {
                defer { try? handle.close() }
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    size += chunk.count
                    // Whatever the entry's header claims: counted as it is inflated (a ZIP bomb stops here).
                    if size > Self.maxFileBytes { throw BulkEnrolmentError("\(entry.path) in the ZIP is larger than 15 MB", tooLarge: true) }
                    try handle.write(contentsOf: chunk)
                }
            } catch let error as BulkEnrolmentError {
                throw error
            } catch {
                throw BulkEnrolmentError("\(entry.path) in the ZIP cannot be read: \(error)")
            }
            try keep(entry.path, movingFrom: temporary, size: size)
        }
    }

    private func write(_ name: String, _ data: Data) throws {
        let temporary = try stash(data, for: name)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try keep(name, movingFrom: temporary, size: data.count)
    }

    /// Counts a received file against the limits and moves it to its place under `name`.
    private func keep(_ name: String, movingFrom temporary: String, size: Int) throws {
        guard let path = safePath(name) else { throw BulkEnrolmentError("\(name) is not a path inside the enrolment") }
        try held.withLock { held in
            guard held.files < Self.maxFiles else { throw BulkEnrolmentError("more than \(Self.maxFiles) files") }
            guard held.bytes + size <= Self.maxTotalBytes else { throw BulkEnrolmentError("more than 200 MB of files: enrol in parts", tooLarge: true) }
            held.files += 1
            held.bytes += size
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: path)
        do {
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw BulkEnrolmentError("cannot keep \(name)")
        }
    }

    /// The file's place inside the folder, or nil for a name that would leave it (`..`, absolute, empty).
    private func safePath(_ name: String) -> String? {
        let parts = name.split(separator: "/").map(String.init).filter { $0 != "." && !$0.isEmpty }
        guard !parts.isEmpty, !parts.contains(".."), !name.hasPrefix("/"),
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\\" }) else { return nil }
        return directory + "/" + parts.joined(separator: "/")
    }
}
