import FaceEngine
import Foundation

/// The photos named on a command line: files as given, folders expanded to the
/// JPEG and PNG files inside them, in name order.
enum ImageInputs {
    static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The image files; paths that do not exist are returned as unreadable.
    static func expand(_ paths: [String]) -> (files: [String], unreadable: [String]) {
        var files: [String] = []
        var unreadable: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                unreadable.append(path)
                continue
            }
            files += isDirectory.boolValue ? imagesInFolder(path) : [path]
        }
        return (files, unreadable)
    }

    static func imagesInFolder(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
    }

    /// Runs `work` on every file, up to `width` at a time, and hands the results
    /// to `emit` in input order, so the output reads like a sequential run.
    static func process<Output: Sendable>(
        _ files: [String], width: Int,
        work: @escaping @Sendable (String) async throws -> Output,
        emit: (String, Result<Output, any Error>) -> Void
    ) async {
        await withTaskGroup(of: (Int, Result<Output, any Error>).self) { group in
            var next = 0
            var ready: [Int: Result<Output, any Error>] = [:]
            var printed = 0
            func start() {
                guard next < files.count else { return }
                let index = next
                let file = files[index]
                next += 1
                group.addTask {
                    do { return (index, .success(try await work(file))) } catch { return (index, .failure(error)) }
                }
            }
            for _ in 0..<max(1, width) { start() }
            while let (index, result) = await group.next() {
                ready[index] = result
                while let result = ready.removeValue(forKey: printed) {
                    emit(files[printed], result)
                    printed += 1
                }
                start()
            }
        }
    }
}

extension Error {
    /// The face engine's own message, without Swift's decoration.
    var readableMessage: String {
        (self as? FaceEngineError)?.message ?? String(describing: self)
    }
}
