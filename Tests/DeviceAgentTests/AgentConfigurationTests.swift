import DeviceAgent
import Foundation
import TestSupport
import Testing

@Suite("config.json")
struct AgentConfigurationTests {
    func write(_ text: String) throws -> String {
        let path = try Fixtures.scratchDirectory() + "/config.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func theOriginalKeysAreEnough() throws {
        let path = try write(#"{"website_url":"ws://10.0.0.5:3001","deviceId":"door-1","organizationId":"65f0c1000000000000000001"}"#)
        let config = try AgentConfiguration.load(path: path)
        #expect(config.deviceId == "door-1" && config.tolerance == 0.5 && config.session == .day && config.display == .auto)
        #expect(config.dataDirectory == (path as NSString).deletingLastPathComponent + "/.")
        #expect(config.socketURL(acknowledgements: true).absoluteString
                == "ws://10.0.0.5:3001/api/ws?deviceId=door-1&organizationId=65f0c1000000000000000001&isHardware=true&ack=1")
        let web = try AgentConfiguration.load(path: try write(#"{"website_url":"https://school.example/","deviceId":"d","organizationId":"o"}"#))
        #expect(web.socketURL(acknowledgements: false).absoluteString == "wss://school.example/api/ws?deviceId=d&organizationId=o&isHardware=true")
    }

    @Test(arguments: [
        ("", "is not valid JSON"),
        ("[1]", "must hold one JSON object"),
        (#"{"deviceId":"d","organizationId":"o"}"#, #""website_url" is missing"#),
        (#"{"website_url":"ftp://x","deviceId":"d","organizationId":"o"}"#, #""website_url" must start with ws://"#),
        (#"{"website_url":"ws://x","deviceId":7,"organizationId":"o"}"#, #""deviceId" must be text, got the number 7"#),
        (#"{"website_url":"ws://x","deviceId":" ","organizationId":"o"}"#, #""deviceId" is empty"#),
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","tolerance":"0.5"}"#, #""tolerance" must be a number, got the text "0.5""#),
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","tolerance":true}"#, #""tolerance" must be a number"#),
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","tolerance":1.5}"#, #""tolerance" must be between 0 and 1"#),
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","margin":-0.1}"#, #""margin" must be between 0 and 3"#),
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","display":"lcd"}"#, #""display" must be one of "auto", "hardware", "terminal", "none", got "lcd""#),
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","stream":{"quality":150}}"#, #""stream.quality" must be a whole number from 10 to 95"#),
        // Found by the device-config fuzz target: numbers too large for an Int trapped.
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","lcd":{"columns":16111111111111111111111}}"#, #""lcd.columns" must be a whole number from 1 to 40"#),
        (#"{"website_url":"ws://x","deviceId":"d","organizationId":"o","detectedInterval":1e300}"#, #""detectedInterval" must be 0 to 86400 seconds"#),
    ])
    func brokenConfigsNameTheFileAndTheKey(text: String, message: String) throws {
        let path = try write(text)
        do {
            _ = try AgentConfiguration.load(path: path)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    @Test func aSecretIsNotSentInTheClearAcrossTheNetworkUnlessTheConfigSaysSo() throws {
        let secret = #""deviceSecret":"0123456789abcdef""#
        let plain = try write(#"{"website_url":"ws://192.168.1.10:3001","deviceId":"d","organizationId":"o",\#(secret)}"#)
        #expect(throws: AgentConfiguration.Problem.self) { try AgentConfiguration.load(path: plain) }
        // Found by the device-config fuzz target: an upper-case letter in the scheme slipped past the check.
        let shouted = try write(#"{"website_url":"wS://192.168.1.10:3001","deviceId":"d","organizationId":"o",\#(secret)}"#)
        #expect(throws: AgentConfiguration.Problem.self) { try AgentConfiguration.load(path: shouted) }
        #expect(try AgentConfiguration.load(path: try write(#"{"website_url":"WSS://School.example","deviceId":"d","organizationId":"o"}"#))
                .websiteURL.scheme == "wss")
        do { _ = try AgentConfiguration.load(path: plain) } catch {
            #expect(error.description.contains(#""deviceSecret" would travel unencrypted over ws:// to 192.168.1.10"#), "\(error)")
        }
        for accepted in [#"{"website_url":"wss://school.example","deviceId":"d","organizationId":"o",\#(secret)}"#,
                         #"{"website_url":"ws://127.0.0.1:3001","deviceId":"d","organizationId":"o",\#(secret)}"#,
                         #"{"website_url":"ws://192.168.1.10:3001","deviceId":"d","organizationId":"o",\#(secret),"allowPlaintextSecret":true}"#,
                         #"{"website_url":"ws://192.168.1.10:3001","deviceId":"d","organizationId":"o"}"#] {
            #expect(throws: Never.self, "\(accepted)") { try AgentConfiguration.load(path: try write(accepted)) }
        }
    }

    @Test func aConfigWhoseSecretOthersCanReadIsReported() throws {
        let path = try write(#"{"website_url":"wss://school.example","deviceId":"d","organizationId":"o","deviceSecret":"s3cr3t"}"#)
        chmod(path, 0o644)
        #expect(try AgentConfiguration.load(path: path).warnings == [
            "\(path) holds the device's secret and can be read by other users (mode 644): chmod 600 \(path)"])
        chmod(path, 0o600)
        #expect(try AgentConfiguration.load(path: path).warnings.isEmpty)
        #expect(try AgentConfiguration.load(path: path).tls.minimumTLSVersion == .tlsv12, "TLS 1.0 and 1.1 are refused")
    }

    @Test func missingFile() {
        #expect(throws: AgentConfiguration.Problem(file: "/nonexistent/config.json", key: nil, reason: "does not exist")) {
            try AgentConfiguration.load(path: "/nonexistent/config.json")
        }
    }
}
