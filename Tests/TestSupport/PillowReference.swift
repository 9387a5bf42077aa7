import FaceEngine
import Foundation

/// Pillow itself, to check what we reproduce of it: a virtual environment with
/// a pinned Pillow under the test-data cache, made on first use (from PyPI).
public enum PillowReference {
    public static let version = "11.0.0"

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// What `Image.thumbnail((side, side), Image.LANCZOS)` makes of `image`.
    public static func thumbnail(of image: RGBImage, fittingIn side: Int) async throws -> RGBImage {
        let python = try await interpreter.value
        let directory = try Fixtures.scratchDirectory()
        let input = directory + "/in.ppm", output = directory + "/out.rgb"
        var ppm = Data("P6\n\(image.width) \(image.height)\n255\n".utf8)
        ppm.append(contentsOf: image.pixels)
        try ppm.write(to: URL(fileURLWithPath: input))
        let script = """
        import sys, PIL.Image
        image = PIL.Image.open(sys.argv[1]).convert("RGB")
        image.thumbnail((int(sys.argv[3]), int(sys.argv[3])), PIL.Image.LANCZOS)
        open(sys.argv[2], "wb").write(image.tobytes())
        print(image.width, image.height)
        """
        let result = try await runProcess(python, ["-c", script, input, output, "\(side)"])
        let size = result.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard result.status == 0, size.count == 2 else { throw Unavailable(description: "Pillow failed: \(result.stderr)") }
        let pixels = try Data(contentsOf: URL(fileURLWithPath: output))
        return RGBImage(width: size[0], height: size[1], pixels: Array(pixels))
    }

    /// Made once per test process; a half-made environment (an interrupted
    /// run) is made again.
    private static let interpreter = Task<String, any Error> {
        let environment = Fixtures.cacheDirectory + "/pillow-\(version)"
        let python = environment + "/bin/python"
        if try await runProcess("/bin/sh", ["-c", "'\(python)' -c 'import PIL' 2>/dev/null"]).status == 0 { return python }
        guard let system = which("python3") else { throw Unavailable(description: "python3 is needed to run Pillow") }
        try? FileManager.default.removeItem(atPath: environment)
        for step in [[system, "-m", "venv", environment], [python, "-m", "pip", "install", "--quiet", "Pillow==\(version)"]] {
            let result = try await runProcess(step[0], Array(step.dropFirst()))
            guard result.status == 0 else {
                throw Unavailable(description: "cannot install Pillow \(version) (\(step.joined(separator: " "))): \(result.stderr)")
            }
        }
        return python
    }
}
