import Foundation
import Synchronization
import ZIPFoundation

/// The photos (and CSV) of a bulk enrolment, from a folder or a ZIP file, kept in
/// a private folder of their own while the enrolment is prepared. A ZIP is read
/// within limits, whatever its headers claim: no file over 15 MB, 200 MB and
/// 10,000 files in all, no path outside the folder.
public final class EnrolmentFiles: Sendable {
    public let directory: String
    public static let maxFileBytes = 15 << 20
    public static let maxTotalBytes = 200 << 20
    public static let maxFiles = 10_000
    private let held = Mutex((files: 0, bytes: 0))

    public init() throws {
        directory = NSTemporaryDirectory() + "streaktrack-enrolment-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

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
        if (name as NSString).pathExtension.lowercased() == "zip" { return try expand(bytes) }
        guard bytes.count <= Self.maxFileBytes else { throw BulkEnrolmentError("\(name) is larger than 15 MB") }
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

    private func expand(_ zip: [UInt8]) throws {
        let archive: Archive
        do { archive = try Archive(data: Data(zip), accessMode: .read) } catch { throw BulkEnrolmentError("the ZIP file cannot be read: \(error)") }
        for entry in archive where entry.type == .file {
            // macOS keeps resource forks beside the files: not photos.
            guard !entry.path.hasPrefix("__MACOSX/"), !(entry.path as NSString).lastPathComponent.hasPrefix("._") else { continue }
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    data.append(chunk)
                    if data.count > Self.maxFileBytes { throw BulkEnrolmentError("\(entry.path) in the ZIP is larger than 15 MB") }
                }
            } catch let error as BulkEnrolmentError {
                throw error
            } catch {
                throw BulkEnrolmentError("\(entry.path) in the ZIP cannot be read: \(error)")
            }
            try write(entry.path, data)
        }
    }

    private func write(_ name: String, _ data: Data) throws {
        guard let path = safePath(name) else { throw BulkEnrolmentError("\(name) is not a path inside the enrolment") }
        try held.withLock { held in
            guard held.files < Self.maxFiles else { throw BulkEnrolmentError("more than \(Self.maxFiles) files") }
            guard held.bytes + data.count <= Self.maxTotalBytes else { throw BulkEnrolmentError("more than 200 MB of files: enrol in parts") }
            held.files += 1
            held.bytes += data.count
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
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
