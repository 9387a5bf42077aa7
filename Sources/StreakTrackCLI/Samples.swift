import Foundation

/// Sample photos that `scripts/setup` fetches from registry packages.
enum Samples {
    static var directory: String {
        if let dir = ProcessInfo.processInfo.environment["STREAKTRACK_SAMPLES"], !dir.isEmpty { return dir }
        return NSHomeDirectory() + "/.cache/streaktrack/samples"
    }
}
