import Dispatch
import Foundation
import Synchronization

/// The face engine: dlib's models behind a pool of workers, usable from many
/// tasks at once. Each worker copies the networks once; jobs run on Dispatch's
/// threads, so the heavy C++ never blocks Swift's cooperative pool.
public final class FaceEngine: Sendable {
    public let models: FaceModels
    public let maxWorkers: Int

    private struct Pool {
        var idle: [FaceWorker] = []
        var created = 0
        var waiting: [CheckedContinuation<FaceWorker, Never>] = []
    }

    private enum Claim {
        case worker(FaceWorker)
        case create
        case wait
    }

    private let pool = Mutex(Pool())

    /// - Parameter workers: how many jobs run at once; one per core is right for
    ///   dlib, which is single-threaded here (OPENBLAS_NUM_THREADS=1 is fastest).
    public init(models: FaceModels, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.models = models
        self.maxWorkers = max(1, workers)
    }

    /// Workers made so far (each holds its own copy of the networks); never more than `maxWorkers`.
    public var workerCount: Int { pool.withLock { $0.created } }

    /// Loads the models found by `FaceModelFiles.locate(option:)`.
    public convenience init(modelDirectory: String? = nil, loadCNNDetector: Bool = false,
                            workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws(FaceEngineError) {
        let models = try FaceModels(files: .locate(option: modelDirectory), loadCNNDetector: loadCNNDetector)
        self.init(models: models, workers: workers)
    }

    /// Runs `body` with a worker of its own, on a thread outside the cooperative pool.
    public func withWorker<Result: Sendable>(
        _ body: @escaping @Sendable (FaceWorker) throws -> Result
    ) async throws -> Result {
        let worker = try await acquire()
        defer { release(worker) }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Swift.Result { try body(worker) })
            }
        }
    }

    public func detect(in image: RGBImage, using detector: FaceDetector = .standard) async throws -> [Detection] {
        try await withWorker { try $0.detect(image, with: detector) }
    }

    /// face_recognition's `face_locations`.
    public func locations(in image: RGBImage, using detector: FaceDetector = .standard) async throws -> [FaceBox] {
        try await detect(in: image, using: detector).map { $0.box(inImageOfWidth: image.width, height: image.height) }
    }

    /// Every face with its box, landmarks and descriptor.
    public func faces(in image: RGBImage, using detector: FaceDetector = .standard, jitters: Int = 1) async throws -> [Face] {
        try await withWorker { try $0.faces(in: image, using: detector, jitters: jitters) }
    }

    /// Landmarks and descriptors for boxes already known (face_recognition's
    /// `face_encodings(image, known_face_locations)`).
    public func describe(in image: RGBImage, at boxes: [FaceBox], jitters: Int = 1) async throws -> [Face] {
        try await withWorker { try $0.describe(image, at: boxes, jitters: jitters) }
    }

    private func acquire() async throws -> FaceWorker {
        let claim: Claim = pool.withLock { pool in
            if let worker = pool.idle.popLast() { return .worker(worker) }
            if pool.created < maxWorkers {
                pool.created += 1
                return .create
            }
            return .wait
        }
        switch claim {
        case .worker(let worker):
            return worker
        case .create:
            do {
                return try FaceWorker(models: models)
            } catch {
                pool.withLock { $0.created -= 1 }
                throw error
            }
        case .wait:
            return await withCheckedContinuation { continuation in
                // A worker may have come back between the claim and now.
                let ready: FaceWorker? = pool.withLock { pool in
                    if let worker = pool.idle.popLast() { return worker }
                    pool.waiting.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private func release(_ worker: FaceWorker) {
        let next: CheckedContinuation<FaceWorker, Never>? = pool.withLock { pool in
            if !pool.waiting.isEmpty { return pool.waiting.removeFirst() }
            pool.idle.append(worker)
            return nil
        }
        next?.resume(returning: worker)
    }
}
