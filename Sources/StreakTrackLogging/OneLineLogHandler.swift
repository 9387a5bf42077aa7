import Foundation
import Logging
import StreakTrackProtocol

/// Text logs, one record per line whatever a peer put in an id or a message:
/// control characters (a `%0A` in a device id, say) are written as `\u{a}`, so
/// nobody can forge a line of someone else's.
public struct OneLineLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let write: @Sendable (String) -> Void

    /// `write` gets each finished line, newline included (standard error by default).
    public init(label: String, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(Date().formatted(.iso8601)) \(event.level) \(label) :\(fields.isEmpty ? "" : " [\(fields)]") \(event.message)"
        write(line.escapingControlCharacters + "\n")
    }
}

/// How a program writes its logs: one place to choose, for every logger in the process.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json

    /// Makes every `Logger` of the process write in this format at `level` and above.
    public func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = self == .json ? JSONLogHandler(label: label) : OneLineLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
