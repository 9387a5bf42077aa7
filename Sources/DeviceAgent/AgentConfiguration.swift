import Foundation
import StreakTrackProtocol

/// The device's `config.json`: the original keys (`website_url`, `deviceId`,
/// `organizationId`) and optional ones with defaults.
public struct AgentConfiguration: Sendable, Equatable {
    /// `ws://host:3001` or `wss://host`; the agent connects to `{websiteURL}/api/ws?...`.
    public var websiteURL: URL
    public var deviceId: String
    public var organizationId: String
    /// Presented in a header: our backend admits registered devices by it.
    public var deviceSecret: String?
    /// Send `deviceSecret` over plain `ws://` to a host that is not this machine
    /// (anyone on the network can read it there); off unless the config says so.
    public var allowPlaintextSecret = false
    /// What a person should know about the file itself (e.g. its secret is readable by others).
    public var warnings: [String] = []
    /// A PEM file of certificate authorities trusted besides the system's, for a
    /// school server with its own certificate (wss:// and https:// photos).
    public var caFile: String?
    /// Largest descriptor distance accepted as the same person (the original device used 0.5).
    public var tolerance: Double
    /// How much farther the second-best student must be than the best (a fraction of the
    /// best's distance) before anyone is marked: what keeps a look-alike who is not enrolled
    /// from being marked as the student they resemble (`IdentificationRule`, README).
    /// Nil: the recognizer's measured default (the file is read without the face engine).
    public var margin: Double?
    /// Where `student_faces.db`, `attendance.json` and the outbox live.
    public var dataDirectory: String
    /// `/dev/videoN`, `rpicam`, `pipe:COMMAND`, a video file, or a folder of images.
    public var camera: String
    public var display: Display
    public var session: SessionPolicy
    /// Shortest time between two `detected` messages for one student.
    public var detectedInterval: Duration
    public var stream: StreamSettings
    public var lcd: LCDSettings
    public var leds: LEDSettings

    public enum Display: String, Sendable, Equatable, CaseIterable {
        case auto, hardware, terminal, none
    }

    /// When a student counts as already marked.
    public enum SessionPolicy: String, Sendable, Equatable, CaseIterable {
        /// One mark per calendar day, whatever the connection does (default).
        case day
        /// A new session on every successful connection, as the original device did.
        case connection
    }

    public struct StreamSettings: Sendable, Equatable {
        public var maxFramesPerSecond: Double = 5
        public var quality: Int = 70
        public var maxWidth: Int = 640
        /// Boxes around the faces, coloured by what the device decided, with the names.
        public var drawBoxes = true

        public init() {}
    }

    /// The character LCD: an HD44780 behind a PCF8574 I2C backpack.
    public struct LCDSettings: Sendable, Equatable {
        public var bus = "/dev/i2c-1"
        public var address = 0x27
        public var columns = 20
        public var rows = 4
    }

    /// The four LEDs, by header pin (BOARD numbering, as the original device) or by GPIO number (BCM).
    public struct LEDSettings: Sendable, Equatable {
        public enum Numbering: String, Sendable, Equatable, CaseIterable { case board, bcm }
        public var chip = "/dev/gpiochip0"
        public var numbering = Numbering.board
        public var green = 32
        public var yellow = 36
        public var blue = 38
        public var red = 40
    }

    public struct Problem: Error, Equatable, CustomStringConvertible, Sendable {
        public let file: String
        public let key: String?
        public let reason: String

        public init(file: String, key: String?, reason: String) {
            self.file = file
            self.key = key
            self.reason = reason
        }

        public var description: String {
            key.map { "\(file): \"\($0)\" \(reason)" } ?? "\(file): \(reason)"
        }
    }

    /// Reads and checks a config file; every problem names the file and the key.
    public static func load(path: String) throws(Problem) -> AgentConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
            throw Problem(file: path, key: nil, reason: reason)
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw Problem(file: path, key: nil, reason: "must hold one JSON object")
            }
            object = parsed
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(file: path, key: nil, reason: "is not valid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error)")
        }
        var configuration = try parse(object, file: path, directory: (path as NSString).deletingLastPathComponent)
        if configuration.deviceSecret != nil, let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
           mode & 0o077 != 0 {
            configuration.warnings.append("\(path) holds the device's secret and can be read by other users (mode \(String(mode, radix: 8))): chmod 600 \(path)")
        }
        return configuration
    }

    static func parse(_ object: [String: Any], file: String, directory: String) throws(Problem) -> AgentConfiguration {
        let reader = KeyReader(object: object, file: file)
        let urlText = try reader.requiredString("website_url")
        guard var parts = URLComponents(string: urlText), let scheme = parts.scheme?.lowercased(), parts.host?.isEmpty == false else {
            throw Problem(file: file, key: "website_url", reason: "must be a URL like ws://server:3001, got \"\(urlText)\"")
        }
        // Written in lower case whatever the file says: "wS://" is plain ws:// too (found by fuzzing).
        switch scheme {
        case "ws", "wss": parts.scheme = scheme
        // The original config often held the web address; the socket is on the same host.
        case "http": parts.scheme = "ws"
        case "https": parts.scheme = "wss"
        default: throw Problem(file: file, key: "website_url", reason: "must start with ws://, wss://, http:// or https://, got \"\(urlText)\"")
        }
        guard let url = parts.url else {
            throw Problem(file: file, key: "website_url", reason: "must be a URL like ws://server:3001, got \"\(urlText)\"")
        }
        let tolerance = try reader.number("tolerance") ?? 0.5
        guard tolerance > 0, tolerance < 1 else {
            throw Problem(file: file, key: "tolerance", reason: "must be between 0 and 1 (0.5 is the original device's), got \(tolerance)")
        }
        let margin = try reader.number("margin")
        if let margin, !(0...3).contains(margin) {
            throw Problem(file: file, key: "margin",
                          reason: "must be between 0 and 3 (0 turns the check off; left out, the measured default), got \(margin)")
        }
        var dataDirectory = try reader.string("dataDir") ?? "."
        if !dataDirectory.hasPrefix("/") { dataDirectory = directory.isEmpty ? dataDirectory : directory + "/" + dataDirectory }
        let interval = try reader.number("detectedInterval") ?? 30
        guard interval >= 0, interval <= 86_400 else {
            throw Problem(file: file, key: "detectedInterval", reason: "must be 0 to 86400 seconds, got \(interval)")
        }

        var stream = StreamSettings()
        if let settings = try reader.object("stream") {
            let nested = KeyReader(object: settings, file: file, prefix: "stream.")
            stream.maxFramesPerSecond = try nested.number("maxFps") ?? stream.maxFramesPerSecond
            stream.quality = try nested.integer("quality", in: 10...95) ?? stream.quality
            stream.maxWidth = try nested.integer("maxWidth", in: 160...1920) ?? stream.maxWidth
            stream.drawBoxes = try nested.bool("boxes") ?? stream.drawBoxes
            guard (0.1...30).contains(stream.maxFramesPerSecond) else { throw Problem(file: file, key: "stream.maxFps", reason: "must be between 0.1 and 30") }
        }
        var lcd = LCDSettings()
        if let settings = try reader.object("lcd") {
            let nested = KeyReader(object: settings, file: file, prefix: "lcd.")
            lcd.bus = try nested.string("bus") ?? lcd.bus
            lcd.address = try nested.address("address") ?? lcd.address
            lcd.columns = try nested.integer("columns", in: 1...40) ?? lcd.columns
            lcd.rows = try nested.integer("rows", in: 1...4) ?? lcd.rows
            guard [(16, 2), (20, 4)].contains(where: { $0 == (lcd.columns, lcd.rows) }) else {
                throw Problem(file: file, key: "lcd.columns", reason: "and lcd.rows must be 16x2 or 20x4, got \(lcd.columns)x\(lcd.rows)")
            }
        }
        var leds = LEDSettings()
        if let settings = try reader.object("leds") {
            let nested = KeyReader(object: settings, file: file, prefix: "leds.")
            leds.chip = try nested.string("chip") ?? leds.chip
            leds.numbering = try nested.choice("numbering", default: leds.numbering)
            if leds.numbering == .bcm { (leds.green, leds.yellow, leds.blue, leds.red) = (12, 16, 20, 21) }
            for key in ["green", "yellow", "blue", "red"] {
                guard let pin = try nested.number(key) else { continue }
                guard pin >= 0, pin < 64, pin == pin.rounded() else { throw Problem(file: file, key: "leds." + key, reason: "must be a pin number") }
                switch key {
                case "green": leds.green = Int(pin)
                case "yellow": leds.yellow = Int(pin)
                case "blue": leds.blue = Int(pin)
                default: leds.red = Int(pin)
                }
            }
        }
        let deviceSecret = try reader.string("deviceSecret")
        let allowPlaintextSecret = try reader.bool("allowPlaintextSecret") ?? false
        if deviceSecret != nil, url.scheme == "ws", !allowPlaintextSecret, !isLoopback(url.host ?? "") {
            throw Problem(file: file, key: "deviceSecret",
                          reason: "would travel unencrypted over ws:// to \(url.host ?? "the server"), where anyone on the network can read it: use wss:// (the server's --tls-certificate), or set \"allowPlaintextSecret\": true to accept that")
        }
        var configuration = AgentConfiguration(
            websiteURL: url,
            deviceId: try reader.requiredString("deviceId"),
            organizationId: try reader.requiredString("organizationId"),
            deviceSecret: deviceSecret,
            caFile: try caFile(reader.string("caFile"), file: file, directory: directory),
            tolerance: tolerance,
            dataDirectory: dataDirectory,
            camera: try reader.string("camera") ?? "/dev/video0",
            display: try reader.choice("display", default: .auto),
            session: try reader.choice("session", default: .day),
            detectedInterval: .milliseconds(Int64(interval * 1000)),
            stream: stream,
            lcd: lcd,
            leds: leds)
        configuration.allowPlaintextSecret = allowPlaintextSecret
        configuration.margin = margin
        return configuration
    }

    /// This machine: a secret sent there crosses no network.
    private static func isLoopback(_ host: String) -> Bool {
        ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    private static func caFile(_ path: String?, file: String, directory: String) throws(Problem) -> String? {
        guard var path else { return nil }
        if !path.hasPrefix("/"), !directory.isEmpty { path = directory + "/" + path }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Problem(file: file, key: "caFile", reason: "names \(path), which cannot be read")
        }
        return path
    }

    /// The keys this version reads; others are reported, not fatal (a newer config on an older device).
    public static let knownKeys: Set<String> = ["website_url", "deviceId", "organizationId", "deviceSecret", "tolerance", "margin", "dataDir",
                                                "camera", "display", "session", "detectedInterval", "stream", "lcd", "leds", "caFile",
                                                "allowPlaintextSecret"]

    /// The URL the agent connects to, with the query PROTOCOL.md gives.
    public func socketURL(acknowledgements: Bool) -> URL {
        var base = websiteURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let parameters = ConnectionParameters(deviceId: deviceId, organizationId: organizationId, isHardware: true,
                                              acknowledgements: acknowledgements)
        return URL(string: base + "/api/ws?" + parameters.query)!
    }
}

/// Typed reading of config keys, each failure naming its key.
private struct KeyReader {
    let object: [String: Any]
    let file: String
    var prefix = ""

    func problem(_ key: String, _ reason: String) -> AgentConfiguration.Problem {
        AgentConfiguration.Problem(file: file, key: prefix + key, reason: reason)
    }

    func describe(_ value: Any) -> String {
        switch value {
        case is String: "the text \"\(value)\""
        case is NSNumber: "the number \(value)"
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        default: "null"
        }
    }

    func string(_ key: String) throws(AgentConfiguration.Problem) -> String? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw problem(key, "must be text, got \(describe(value))") }
        return text
    }

    func requiredString(_ key: String) throws(AgentConfiguration.Problem) -> String {
        guard let text = try string(key) else { throw problem(key, "is missing") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw problem(key, "is empty") }
        return text
    }

    func number(_ key: String) throws(AgentConfiguration.Problem) -> Double? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let number = value as? NSNumber, !isBoolean(value) else {
            throw problem(key, "must be a number, got \(describe(value))")
        }
        return number.doubleValue
    }

    /// A whole number within `range` (a number too large for Int must be a problem, not a trap).
    func integer(_ key: String, in range: ClosedRange<Int>) throws(AgentConfiguration.Problem) -> Int? {
        guard let number = try number(key) else { return nil }
        guard number == number.rounded(), number >= Double(range.lowerBound), number <= Double(range.upperBound) else {
            throw problem(key, "must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(number)")
        }
        return Int(number)
    }

    func bool(_ key: String) throws(AgentConfiguration.Problem) -> Bool? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard isBoolean(value), let flag = value as? Bool else { throw problem(key, "must be true or false, got \(describe(value))") }
        return flag
    }

    /// An I2C address: a number, or text like "0x27".
    func address(_ key: String) throws(AgentConfiguration.Problem) -> Int? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        var address: Int?
        if let text = value as? String {
            address = text.lowercased().hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text)
        } else if let number = value as? NSNumber, !isBoolean(value) {
            address = number.intValue
        }
        guard let address, (0x03...0x77).contains(address) else {
            throw problem(key, "must be an I2C address from 0x03 to 0x77 (a number, or text like \"0x27\"), got \(describe(value))")
        }
        return address
    }

    func object(_ key: String) throws(AgentConfiguration.Problem) -> [String: Any]? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let nested = value as? [String: Any] else { throw problem(key, "must be an object, got \(describe(value))") }
        return nested
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default value: T) throws(AgentConfiguration.Problem) -> T
    where T.RawValue == String {
        guard let text = try string(key) else { return value }
        guard let chosen = T(rawValue: text) else {
            throw problem(key, "must be one of \(T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(text)\"")
        }
        return chosen
    }
}

/// JSONSerialization gives true/false as numbers; a config must not take `true` for 1.
private func isBoolean(_ value: Any) -> Bool {
    if type(of: value) == Bool.self { return true }
    guard let number = value as? NSNumber else { return false }
    return String(cString: number.objCType) == "c"
}
