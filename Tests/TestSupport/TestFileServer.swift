import ChildProcess
import Foundation

/// A folder served over HTTP on a free loopback port by Python's http.server,
/// plus the misbehaviour a hostile photo host shows: `/slow/NAME` sends its body
/// a byte a second, `/away/NAME` redirects to another host, `/home/NAME`
/// redirects to the same server's `/NAME`. Stopped for sure by `stop()` (and
/// checked gone by `isRunning`), or killed by `kill()` in a `defer`: no test leaves one behind.
public final class TestFileServer: Sendable {
    public let port: Int
    private let process: ChildProcess

    public var base: String { "http://127.0.0.1:\(port)" }
    public var pid: pid_t { process.pid }
    public var isRunning: Bool { process.isRunning }

    public static func start(serving directory: String) async throws -> TestFileServer {
        let port = try freePort()
        let script = try Fixtures.scratchDirectory() + "/file-server.py"
        try Self.script.write(toFile: script, atomically: false, encoding: .utf8)
        let process = try ChildProcess(which("python3") ?? "/usr/bin/python3", [script, String(port), directory],
                                       output: .null, errors: .null)
        let server = TestFileServer(port: port, process: process)
        do {
            try await waitUntil(timeout: .seconds(10)) {
                (try? await HTTPTestClient(base: "http://127.0.0.1:\(port)", token: nil).get("/")) != nil
            }
        } catch {
            await server.stop()
            throw error
        }
        try? FileManager.default.removeItem(atPath: script)
        return server
    }

    private init(port: Int, process: ChildProcess) {
        self.port = port
        self.process = process
    }

    /// Ends the server (SIGTERM, then SIGKILL) and reaps it.
    public func stop() async {
        await process.terminate(grace: .seconds(2))
    }

    /// For `defer`, which cannot wait: SIGKILL now, reaped by the next look at it.
    public func kill() {
        process.send(SIGKILL)
    }

    private static let script = #"""
    import functools, http.server, os, sys, time
    port, root = int(sys.argv[1]), sys.argv[2]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/away/"):
                self.send_response(302); self.send_header("Location", "http://192.0.2.1:9/" + self.path[6:]); self.end_headers(); return
            if self.path.startswith("/home/"):
                self.send_response(302); self.send_header("Location", "/" + self.path[6:]); self.end_headers(); return
            if self.path.startswith("/slow/"):
                data = open(os.path.join(root, self.path[6:]), "rb").read()
                self.send_response(200); self.send_header("Content-Length", str(len(data))); self.end_headers()
                for byte in data:
                    self.wfile.write(bytes([byte])); self.wfile.flush(); time.sleep(1)
                return
            super().do_GET()
        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=root)).serve_forever()
    """#
}
