import Foundation

/// A certificate authority and a server certificate for 127.0.0.1, made with openssl
/// in a scratch folder: `ca.pem`, `server.pem`, `server.key`, and `server+key.pem`
/// (certificate and key in one file, as HAProxy's `crt` takes them).
public enum TestCertificates {
    public struct Missing: Error, CustomStringConvertible { public let description: String }

    public static func make() async throws -> (directory: String, ca: String) {
        guard let openssl = which("openssl") else {
            throw Missing(description: "openssl is not installed: `scripts/setup --with-test-tools` installs it")
        }
        let directory = try Fixtures.scratchDirectory()
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: directory + "/san.cnf", atomically: false, encoding: .utf8)
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=StreakTrack Test School CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
             "-days", "2", "-extfile", "san.cnf"],
        ] {
            let made = try await runProcess(openssl, arguments, currentDirectory: directory)
            guard made.status == 0 else { throw Missing(description: "openssl \(arguments[0]) failed: \(made.stderr)") }
        }
        let combined = try String(contentsOfFile: directory + "/server.pem", encoding: .utf8)
            + String(contentsOfFile: directory + "/server.key", encoding: .utf8)
        try combined.write(toFile: directory + "/server+key.pem", atomically: true, encoding: .utf8)
        return (directory, directory + "/ca.pem")
    }
}
