import CChildProcess
import Foundation
import Synchronization

/// A program started with `posix_spawn`, with default signal handling, an
/// empty signal mask and only the three standard descriptors, in a process
/// group of its own.
///
/// Why not Foundation's `Process`: a child inherits its parent's ignored
/// signals and the spawning thread's signal mask, and in our processes SIGTERM
/// and SIGINT are ignored (the agent handles them itself) and Dispatch's
/// threads block most signals, so `terminate()` did nothing to an ffmpeg or a
/// test's file server. In its own group, a shell command's children stop with it.
public final class ChildProcess: Sendable {
    public enum Output: Sendable {
        case pipe
        case null
        case inherit
        /// Written to this file (created, or emptied).
        case file(String)
    }

    public struct LaunchFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public let pid: pid_t
    /// The read ends of the child's standard output and error, when piped.
    public let standardOutput: FileHandle?
    public let standardError: FileHandle?
    /// The write end of its standard input, when piped (close it to end the input).
    public let standardInput: FileHandle?
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` (a path, or a name looked up on PATH).
    /// - Parameter input: `.pipe` gives the child a standard input to write to; anything else is /dev/null.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: String? = nil, input: Output = .null, output: Output = .pipe, errors: Output = .pipe) throws {
        guard let path = executable.contains("/") ? executable : Self.which(executable) else {
            throw LaunchFailure(description: "\(executable) is not installed (not found on PATH)")
        }
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var everySignal = sigset_t(), noSignal = sigset_t()
        sigfillset(&everySignal)
        sigemptyset(&noSignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var stdin: PipeEnds?
        if case .pipe = input {
            var ends: [Int32] = [0, 0]
            guard stcp_pipe_cloexec(&ends) == 0 else { throw LaunchFailure(description: "cannot make a pipe: \(String(cString: strerror(errno)))") }
            posix_spawn_file_actions_adddup2(&actions, ends[0], 0)
            stdin = PipeEnds(parentEnd: ends[1], childEnd: ends[0])
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        let stdout = try Self.connect(output, to: 1, actions: &actions)
        let stderr = try Self.connect(errors, to: 2, actions: &actions)
        if let currentDirectory { stcp_spawn_addchdir(&actions, currentDirectory) }
        // Nothing of ours but the three standard streams: an inherited listening socket
        // would keep a server's port taken after the server stopped.
        stcp_spawn_addclosefrom(&actions, 3)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let environment = environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        for pipe in [stdin, stdout, stderr].compactMap({ $0 }) { close(pipe.childEnd) }
        guard result == 0 else {
            for pipe in [stdin, stdout, stderr].compactMap({ $0 }) { close(pipe.parentEnd) }
            throw LaunchFailure(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        standardOutput = stdout.map { FileHandle(fileDescriptor: $0.parentEnd, closeOnDealloc: true) }
        standardError = stderr.map { FileHandle(fileDescriptor: $0.parentEnd, closeOnDealloc: true) }
        standardInput = stdin.map { FileHandle(fileDescriptor: $0.parentEnd, closeOnDealloc: true) }
    }

    /// Sends `signal` to the child's whole process group.
    public func send(_ signal: Int32) {
        guard isRunning else { return }
        kill(-pid, signal)
    }

    /// SIGTERM to the group, SIGKILL if it has not ended within `grace`; returns
    /// once the child is reaped. Waits by sleeping, never by blocking a thread.
    public func terminate(grace: Duration = .seconds(2)) async {
        send(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        guard isRunning else { return }
        send(SIGKILL)
        while isRunning { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// Whether the child still runs (reaping it if it has ended).
    public var isRunning: Bool { poll(block: false) == nil }

    /// Waits for the child to end: its exit status, or 128 + the signal that ended it.
    @discardableResult
    public func wait() -> Int32 { poll(block: true)! }

    private func poll(block: Bool) -> Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let reaped = waitpid(pid, &raw, block ? 0 : WNOHANG)
            if reaped == 0 { return nil }
            if reaped < 0 { status = -1; return status }
            let signal = raw & 0x7F
            status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            return status
        }
    }

    private struct PipeEnds {
        let parentEnd: Int32
        let childEnd: Int32
    }

    private static func connect(_ output: Output, to descriptor: Int32,
                                actions: inout posix_spawn_file_actions_t) throws -> PipeEnds? {
        switch output {
        case .inherit:
            return nil
        case .null:
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
            return nil
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, descriptor, path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            return nil
        case .pipe:
            var ends: [Int32] = [0, 0]
            guard stcp_pipe_cloexec(&ends) == 0 else {
                throw LaunchFailure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
            }
            posix_spawn_file_actions_adddup2(&actions, ends[1], descriptor)
            return PipeEnds(parentEnd: ends[0], childEnd: ends[1])
        }
    }

    public static func which(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
