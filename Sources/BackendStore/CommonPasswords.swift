import Foundation

/// The 20,000 most common passwords (Django's list: `Resources/common-passwords.txt`,
/// see its LICENSE file beside it), which a new password may not be: an attacker
/// tries these first. Lower-cased, as the list is, so `Password1234` counts too.
public enum CommonPasswords {
    /// Where the list is looked for, first found wins: `$STREAKTRACK_COMMON_PASSWORDS`,
    /// an installed copy (`/usr/share/streaktrack`, or `../share/streaktrack` beside the
    /// executable), then this source checkout.
    static var candidates: [String] {
        var paths: [String] = []
        if let given = ProcessInfo.processInfo.environment["STREAKTRACK_COMMON_PASSWORDS"], !given.isEmpty { paths.append(given) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        paths.append(executable.appendingPathComponent("../share/streaktrack/common-passwords.txt").standardized.path)
        paths.append("/usr/share/streaktrack/common-passwords.txt")
        paths.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/common-passwords.txt").path)
        return paths
    }

    /// The list, or nil when no copy was found (`missingMessage` says where it was looked for).
    public static let list: Set<String>? = {
        for path in candidates {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let words = Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            if words.count > 1000 { return words }
        }
        return nil
    }()

    public static var missingMessage: String {
        "the list of common passwords was not found (looked in \(candidates.joined(separator: ", "))): new passwords are checked for length only"
    }

    public static func contains(_ password: String) -> Bool {
        list?.contains(password.lowercased()) ?? false
    }
}
