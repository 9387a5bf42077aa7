import ChildProcess
import Foundation
import Synchronization

/// A real headless Chromium, driven over the DevTools protocol, so that a test
/// can watch a page change as a person would see it, click in it, and keep a
/// screenshot of it.
public final class HeadlessChromium: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let process: ChildProcess
    private let browser: DevToolsConnection
    private let page: DevToolsConnection

    /// Starts Chromium on `url` in a window of `width` x `height` CSS pixels.
    public static func open(_ url: String, width: Int = 1280, height: Int = 900) async throws -> HeadlessChromium {
        guard let executable = which("chromium") ?? which("chromium-browser") else {
            throw Failure(description: "Chromium is needed (scripts/setup --with-test-tools installs it)")
        }
        let profile = try Fixtures.scratchDirectory()
        let process = try ChildProcess(executable, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=\(width),\(height)",
            "--hide-scrollbars", url,
        ], environment: environment(temporaryFilesIn: profile), output: .null, errors: .null)
        do {
            let browser = DevToolsConnection(try await browserSocket(profile: profile))
            var page: String?
            try await TestSupport.waitUntil(timeout: .seconds(10)) {
                let targets = try await browser.call("Target.getTargets")["targetInfos"] as? [[String: Any]] ?? []
                page = targets.first { $0["type"] as? String == "page" }?["targetId"] as? String
                return page != nil
            }
            let pageSocket = try await TestSocket.connect("ws://127.0.0.1:\(browser.port)/devtools/page/\(page!)")
            return HeadlessChromium(process: process, browser: browser, page: DevToolsConnection(pageSocket, port: browser.port))
        } catch {
            await process.terminate()
            throw error
        }
    }

    /// Chromium's own temporary directories go in its profile, so that a browser
    /// killed at the end of a test leaves nothing in /tmp.
    private static func environment(temporaryFilesIn profile: String) throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = profile + "/tmp"
        try FileManager.default.createDirectory(atPath: profile + "/tmp", withIntermediateDirectories: true)
        return environment
    }

    /// Chromium writes the port it chose and its browser endpoint into the
    /// profile once it listens. (Its HTTP endpoints answer in a way that
    /// Foundation's URLSession rejects, so only the WebSocket side is used.)
    private static func browserSocket(profile: String) async throws -> (TestSocket, port: Int) {
        var lines: [Substring] = []
        try await TestSupport.waitUntil(timeout: .seconds(30)) {
            lines = ((try? String(contentsOfFile: profile + "/DevToolsActivePort", encoding: .utf8)) ?? "").split(separator: "\n")
            return lines.count >= 2 && Int(lines[0]) != nil
        }
        let port = Int(lines[0])!
        return (try await TestSocket.connect("ws://127.0.0.1:\(port)\(lines[1])"), port)
    }

    private init(process: ChildProcess, browser: DevToolsConnection, page: DevToolsConnection) {
        self.process = process
        self.browser = browser
        self.page = page
    }

    /// Files the page downloads are saved in `directory` under the names the page gives them.
    public func allowDownloads(into directory: String) async throws {
        try await browser.call("Browser.setDownloadBehavior", ["behavior": "allow", "downloadPath": directory])
    }

    /// Calls a DevTools method on the page and returns its `result`.
    @discardableResult
    public func call(_ method: String, _ parameters: [String: Any] = [:]) async throws -> [String: Any] {
        try await page.call(method, parameters)
    }

    /// The value of a JavaScript expression in the page (JSON-compatible values only).
    @discardableResult
    public func evaluate(_ expression: String) async throws -> Any? {
        let result = try await call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw Failure(description: "\(expression): \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits until a JavaScript expression is true in the page.
    public func waitFor(_ expression: String, timeout: Duration = .seconds(10)) async throws {
        do {
            try await waitUntil(timeout: timeout) { try await self.evaluate(expression) as? Bool == true }
        } catch is TestSocket.TimedOut {
            // What the page says went wrong is usually the reason it never got there.
            let alerts = try? await evaluate("[...document.querySelectorAll('[role=alert]')].map(e => e.textContent).filter(t => t).join(' | ')")
            let said = (alerts as? String).flatMap { $0.isEmpty ? nil : " (the page's alerts: \($0))" } ?? ""
            throw Failure(description: "the page never showed `\(expression)` within \(timeout)\(said)")
        }
    }

    /// Types `value` into the field `selector` finds, as a person would: the page gets its input and change events.
    public func type(_ value: String, into selector: String) async throws {
        try await evaluate("""
            (() => { const field = document.querySelector(\(Self.literal(selector)));
                     if (!field) throw new Error('no field ' + \(Self.literal(selector)));
                     field.value = \(Self.literal(value));
                     field.dispatchEvent(new Event('input', { bubbles: true }));
                     field.dispatchEvent(new Event('change', { bubbles: true })); })()
            """)
    }

    /// Clicks what `selector` finds (the first match).
    public func click(_ selector: String) async throws {
        try await evaluate("""
            (() => { const target = document.querySelector(\(Self.literal(selector)));
                     if (!target) throw new Error('nothing to click at ' + \(Self.literal(selector)));
                     target.click(); })()
            """)
    }

    /// The text of what `selector` finds, or nil when nothing matches.
    public func text(_ selector: String) async throws -> String? {
        try await evaluate("document.querySelector(\(Self.literal(selector)))?.textContent ?? null") as? String
    }

    /// A string as a JavaScript literal.
    public static func literal(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    /// Chooses `paths` in the file input that `selector` finds, as a person
    /// picking files would (the page gets its change event).
    public func chooseFiles(_ paths: [String], in selector: String) async throws {
        let document = try await call("DOM.getDocument")["root"] as? [String: Any]
        guard let root = document?["nodeId"] as? Int,
              let input = try await call("DOM.querySelector", ["nodeId": root, "selector": selector])["nodeId"] as? Int, input != 0
        else { throw Failure(description: "no element \(selector) in the page") }
        try await call("DOM.setFileInputFiles", ["files": paths, "nodeId": input])
    }

    /// A PNG of the whole page (not only the window's part of it), written to `path`.
    public func screenshot(to path: String) async throws {
        let content = try await call("Page.getLayoutMetrics")["cssContentSize"] as? [String: Any] ?? [:]
        guard let width = content["width"] as? Double, let height = content["height"] as? Double else {
            throw Failure(description: "Page.getLayoutMetrics returned no content size")
        }
        let result = try await call("Page.captureScreenshot", [
            "format": "png", "captureBeyondViewport": true,
            "clip": ["x": 0, "y": 0, "width": width, "height": height, "scale": 1],
        ])
        guard let base64 = result["data"] as? String, let png = Data(base64Encoded: base64) else {
            throw Failure(description: "Page.captureScreenshot returned no picture")
        }
        try png.write(to: URL(fileURLWithPath: path))
    }

    public func close() async {
        await process.terminate()
    }

    /// For `defer`, which cannot wait: SIGKILL to the browser's process group now.
    public func kill() {
        process.send(SIGKILL)
    }
}

/// One DevTools socket (the browser's or a page's): requests with ids, and
/// their replies picked out from the events around them.
private final class DevToolsConnection: Sendable {
    let socket: TestSocket
    let port: Int
    private let requestIds = Mutex(0)

    init(_ socket: TestSocket, port: Int) {
        self.socket = socket
        self.port = port
    }

    convenience init(_ endpoint: (TestSocket, port: Int)) {
        self.init(endpoint.0, port: endpoint.port)
    }

    @discardableResult
    func call(_ method: String, _ parameters: [String: Any] = [:]) async throws -> [String: Any] {
        let id = requestIds.withLock { $0 += 1; return $0 }
        let request = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": parameters])
        try await socket.send(String(decoding: request, as: UTF8.self))
        while true {
            let reply = try await socket.next(containing: #""id":\#(id)"#, timeout: .seconds(30))
            guard let object = try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any],
                  object["id"] as? Int == id else { continue }
            if let error = object["error"] { throw HeadlessChromium.Failure(description: "\(method): \(error)") }
            return object["result"] as? [String: Any] ?? [:]
        }
    }
}
