import Foundation

/// Test inputs that ship inside PyPI packages, fetched once with pip and cached.
public enum RegistryDownloads {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The face_recognition 1.3.0 source archive, unpacked; returns its `tests/test_images` folder.
    public static func faceRecognitionTestImages() async throws -> String {
        let root = Fixtures.cacheDirectory + "/face_recognition-1.3.0"
        let images = root + "/tests/test_images"
        if FileManager.default.fileExists(atPath: images + "/obama.jpg") { return images }
        try FileManager.default.createDirectory(atPath: Fixtures.cacheDirectory, withIntermediateDirectories: true)
        let download = try await runProcess(which("python3") ?? "/usr/bin/python3", [
            "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", Fixtures.cacheDirectory,
            "face_recognition==1.3.0",
        ])
        let archive = Fixtures.cacheDirectory + "/face_recognition-1.3.0.tar.gz"
        guard download.status == 0, FileManager.default.fileExists(atPath: archive) else {
            throw Failure(description: "pip could not download face_recognition==1.3.0 from PyPI: \(download.stderr)")
        }
        let sum = try await runProcess("/usr/bin/sha256sum", [archive])
        let expected = "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec"
        guard sum.stdout.hasPrefix(expected) else {
            throw Failure(description: "face_recognition-1.3.0.tar.gz has SHA-256 \(sum.stdout), expected \(expected)")
        }
        let unpack = try await runProcess("/bin/tar", ["-xzf", archive, "-C", Fixtures.cacheDirectory, "face_recognition-1.3.0/tests"])
        guard unpack.status == 0 else { throw Failure(description: "cannot unpack \(archive): \(unpack.stderr)") }
        return images
    }
}
