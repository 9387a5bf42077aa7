import Synchronization

/// Thrown when work did not finish within its time limit.
public struct TimeLimitExceeded: Error, Sendable, CustomStringConvertible {
    public let limit: Duration
    public var description: String { "did not finish within \(limit)" }
}

/// Runs `operation`, throwing `TimeLimitExceeded` once `limit` has passed, for
/// reads from peers that may trickle bytes for ever (a time-out on each read
/// does not bound the whole). The operation is cancelled then, but not waited
/// for: a read that ignores cancellation ends when its connection is closed.
public func withTimeLimit<Result: Sendable>(_ limit: Duration,
                                            operation: @escaping @Sendable () async throws -> Result) async throws -> Result {
    let outcome = FirstOutcome<Result>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.start(continuation, limit: limit, operation: operation)
        }
    } onCancel: {
        outcome.finish(.failure(CancellationError()))
    }
}

/// Whichever comes first, the operation's result or the time limit, resumes the
/// caller; the other is cancelled.
private final class FirstOutcome<Result: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Result, any Error>, limit: Duration,
               operation: @escaping @Sendable () async throws -> Result) {
        let alreadyCancelled = state.withLock { state -> Bool in
            state.continuation = continuation
            return state.finished
        }
        if alreadyCancelled { return finish(.failure(CancellationError())) }
        let work = Task {
            do {
                self.finish(.success(try await operation()))
            } catch {
                self.finish(.failure(error))
            }
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            self.finish(.failure(TimeLimitExceeded(limit: limit)))
        }
        let late = state.withLock { state -> Bool in
            state.work = work
            state.timer = timer
            return state.finished
        }
        if late {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ result: Swift.Result<Result, any Error>) {
        typealias Taken = (continuation: CheckedContinuation<Result, any Error>?, work: Task<Void, Never>?, timer: Task<Void, Never>?)
        let (continuation, work, timer) = state.withLock { state -> Taken in
            state.finished = true
            let taken = (state.continuation, state.work, state.timer)
            state.continuation = nil
            return taken
        }
        guard let continuation else { return }
        work?.cancel()
        timer?.cancel()
        continuation.resume(with: result)
    }
}
