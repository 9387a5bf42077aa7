import ChildProcess
import Foundation

/// What a finished child process printed.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs blocking work on a thread of its own, leaving the cooperative pool free.
/// (Not Dispatch's global queue: it is as narrow as the machine, so a few waits
/// of several seconds at once would queue every other one behind them.)
public func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}

/// Runs a program to completion without blocking Swift's cooperative threads.
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       currentDirectory: String? = nil, input: String? = nil) async throws -> ProcessOutput {
    let result = await offCooperativePool {
        Result { try runProcessBlocking(executable, arguments, environment: environment, currentDirectory: currentDirectory, input: input) }
    }
    return try result.get()
}

/// Runs a program to completion on the calling thread (output is read after exit).
@discardableResult
public func runProcessBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       currentDirectory: String? = nil, input: String? = nil) throws -> ProcessOutput {
    let process = try ChildProcess(executable, arguments, environment: environment, currentDirectory: currentDirectory,
                                   input: input == nil ? .null : .pipe)
    if let input, let stdin = process.standardInput {
        stdin.write(Data(input.utf8))
        try stdin.close()
    }
    // Drain both pipes while the child runs, so a chatty child cannot block on a full pipe.
    final class Collected: @unchecked Sendable { var data = Data() }
    let errors = Collected()
    let drained = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        errors.data = process.standardError!.readDataToEndOfFile()
        drained.signal()
    }
    let outData = process.standardOutput!.readDataToEndOfFile()
    let status = process.wait()
    drained.wait()
    return ProcessOutput(status: status, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errors.data, as: UTF8.self))
}

/// `/usr/bin/env NAME` resolved on PATH.
public func which(_ name: String) -> String? { ChildProcess.which(name) }
