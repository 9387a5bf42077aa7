import Crypto
import DeviceAgent
import DeviceHardware
import FaceEngine
import Foundation
import HardwareFeedback
import StreakTrackProtocol
import WebSocketLink

/// The checks `streaktrack doctor` runs, each printing one line.
struct DoctorChecks {
    private(set) var failures = 0

    mutating func pass(_ what: String, _ detail: String) {
        print("OK    \(what.padding(toLength: 9, withPad: " ", startingAt: 0)) \(detail)")
    }

    mutating func fail(_ what: String, _ problem: String) {
        failures += 1
        print("FAIL  \(what.padding(toLength: 9, withPad: " ", startingAt: 0)) \(problem)")
    }

    func skip(_ what: String, because reason: String) {
        print("SKIP  \(what): \(reason)")
    }

    mutating func models(directory: String?) {
        let files = FaceModelFiles.locate(option: directory)
        for (name, expected) in FaceModelFiles.checksums.sorted(by: { $0.key < $1.key }) {
            let path = files.path(of: name)
            guard let handle = FileHandle(forReadingAtPath: path) else {
                if name == FaceModelFiles.cnnDetectorFile { continue }  // only for the optional CNN detector
                fail("models", "\(path) is missing: run scripts/setup, or give --models / $\(FaceModelFiles.environmentVariable)")
                continue
            }
            var hash = SHA256()
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
            let actual = hash.finalize().hexadecimal
            if actual == expected { pass("models", "\(name): checksum matches") } else {
                fail("models", "\(path) is damaged (SHA-256 \(actual.prefix(12))…, expected \(expected.prefix(12))…): delete it and run scripts/setup")
            }
        }
    }

    mutating func configuration(path: String) -> AgentConfiguration? {
        do {
            let configuration = try AgentConfiguration.load(path: path)
            pass("config", "\(path): device \(configuration.deviceId), backend \(configuration.websiteURL)")
            return configuration
        } catch {
            fail("config", error.description)
            return nil
        }
    }

    mutating func camera(_ camera: String) async {
        do {
            let feed = try CameraFeed(try CameraSource.parse(camera), realTime: true)
            defer { feed.stop() }
            let deadline = ContinuousClock.now + .seconds(5)
            let reader = Task {
                var first: (frame: CameraFrame, at: ContinuousClock.Instant)?
                var count = 0, last = ContinuousClock.now
                for await frame in feed.frames {
                    if first == nil { first = (frame, .now) }
                    count += 1
                    last = .now
                    if count >= 20 { break }
                }
                return (first, count, last)
            }
            let watchdog = Task {
                try await Task.sleep(until: deadline, clock: .continuous)
                feed.stop()
            }
            let (seen, frames, lastAt) = await reader.value
            watchdog.cancel()
            guard let seen else {
                fail("camera", "\(camera) gave no frame in 5 s\(feed.ending.map { ": \($0)" } ?? ""); check the cable, `v4l2-ctl --list-devices`, and that the user is in the video group")
                return
            }
            let size = (try? RGBImage.probe(seen.frame.encoded)).map { "\($0.width)x\($0.height)" } ?? "unreadable frames"
            let span = lastAt - seen.at
            let seconds = Double(span.components.seconds) + Double(span.components.attoseconds) / 1e18
            let rate = frames > 1 && seconds > 0 ? String(format: "%.1f frames/s", Double(frames - 1) / seconds) : "one frame"
            pass("camera", "\(camera): \(size), \(rate)")
        } catch {
            fail("camera", "\(error)")
        }
    }

    mutating func lcd(_ settings: AgentConfiguration.LCDSettings) {
        do {
            let lcd = try FeedbackChoice.openLCD(settings)
            try lcd.show(lines: ["StreakTrack doctor", "LCD OK \u{2713}", "\(settings.bus) 0x\(String(settings.address, radix: 16))", ""])
            pass("LCD", "\(settings.columns)x\(settings.rows) at 0x\(String(settings.address, radix: 16)) on \(settings.bus): test screen written")
        } catch {
            fail("LCD", "\(error)")
        }
    }

    mutating func leds(_ settings: AgentConfiguration.LEDSettings) async {
        do {
            let bank = try LEDBank.open(chip: settings.chip, pins: try FeedbackChoice.pins(settings))
            defer { bank.release() }
            for levels in [LEDLevels(green: true), LEDLevels(yellow: true), LEDLevels(blue: true), LEDLevels(red: true)] {
                try bank.set(levels)
                try await Task.sleep(for: .milliseconds(400))
            }
            try bank.set(.allOff)
            pass("LEDs", "green, yellow, blue, red lit in turn on \(settings.chip) (pins \(settings.green), \(settings.yellow), \(settings.blue), \(settings.red), \(settings.numbering.rawValue) numbering)")
        } catch {
            fail("LEDs", "\(error)")
        }
    }

    static let rosterWait = Duration.seconds(15)

    mutating func backend(_ configuration: AgentConfiguration) async {
        let url = configuration.socketURL(acknowledgements: false)
        do {
            let headers = configuration.deviceSecret.map { [(ConnectionParameters.secretHeader, $0)] } ?? []
            let link = try await WebSocketLink.connect(to: url, headers: headers, tls: configuration.tls, timeout: .seconds(5))
            let first = Task { () -> String? in
                for await message in link.messages { if case .text(let text) = message { return text } }
                return nil
            }
            // A roster of many students over a slow school network takes a while; a busy server too.
            let timeout = Task {
                try await Task.sleep(for: Self.rosterWait)
                await link.abort()
            }
            let text = await first.value
            timeout.cancel()
            await link.close(wait: .milliseconds(500))
            switch text.flatMap({ try? JSONObject(parsing: $0) }).map(ServerMessage.read) {
            case .message(.roster(let roster))?, .partialRoster(let roster, _)?:
                pass("backend", "\(configuration.websiteURL): handshake accepted, roster of \(roster.students.count) student(s)")
            case .message(.error(let message))?:
                fail("backend", "\(configuration.websiteURL) refused the device: \(message)")
            default:
                let code = link.closeCode.map { " (close code \($0))" } ?? ""
                fail("backend", "\(configuration.websiteURL) accepted the connection but sent no roster within \(Self.rosterWait)\(code): check deviceId, organizationId and deviceSecret")
            }
        } catch {
            fail("backend", "\(url.absoluteString): \(error); check website_url, that the server runs, and the network")
        }
    }
}
