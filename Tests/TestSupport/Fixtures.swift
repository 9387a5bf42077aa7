import FaceEngine
import Foundation
import Synchronization

/// Where the test photos, models and fetched archives are.
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared/faces` beside the repository (or `$STREAKTRACK_SHARED/faces`).
    public static let sharedFaces: String = {
        if let shared = ProcessInfo.processInfo.environment["STREAKTRACK_SHARED"], !shared.isEmpty {
            return shared + "/faces"
        }
        return URL(fileURLWithPath: repositoryRoot).deletingLastPathComponent().path + "/shared/faces"
    }()

    public static func face(_ relativePath: String) -> String { sharedFaces + "/" + relativePath }

    /// A built executable of this package (`streaktrack`), beside the test bundle.
    public static func executable(_ name: String) -> String {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent(name).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    /// Downloaded test inputs are kept here between runs.
    public static let cacheDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["STREAKTRACK_TEST_DATA"], !dir.isEmpty { return dir }
        return NSHomeDirectory() + "/.cache/streaktrack/test-data"
    }()

    /// One engine for the whole test process: the models load once, on a thread
    /// of their own, so tests waiting for them do not hold Swift's few cooperative
    /// threads (servers under test need those).
    public static var engine: FaceEngine {
        get async { await loadedEngine.value }
    }

    private static let loadedEngine = Task<FaceEngine, Never> {
        await offCooperativePool {
            do {
                return try FaceEngine(loadCNNDetector: true)
            } catch {
                fatalError("cannot load the face models (run scripts/setup): \(error)")
            }
        }
    }

    public static func image(_ relativePath: String) throws -> RGBImage {
        try RGBImage(contentsOfFile: face(relativePath))
    }

    /// A new empty directory, removed when the test process ends (set
    /// `STREAKTRACK_KEEP_TEST_FILES=1` to keep them, to look at a screenshot, say).
    public static func scratchDirectory(_ name: String = #function) throws -> String {
        let path = NSTemporaryDirectory() + "streaktrack-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        ScratchDirectories.remember(path)
        return path
    }

    /// Whether scratch directories outlive the test run.
    public static var keepsTestFiles: Bool { ProcessInfo.processInfo.environment["STREAKTRACK_KEEP_TEST_FILES"] == "1" }
}

/// The scratch directories of this process, removed at its exit.
private enum ScratchDirectories {
    static let paths = Mutex<[String]?>(nil)

    static func remember(_ path: String) {
        paths.withLock { paths in
            if paths == nil {
                paths = []
                if !Fixtures.keepsTestFiles { atexit { ScratchDirectories.removeAll() } }
            }
            paths!.append(path)
        }
    }

    static func removeAll() {
        for path in paths.withLock({ $0 ?? [] }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
