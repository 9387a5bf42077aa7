import Crypto
import FaceEngine
import Foundation
import StreakTrackProtocol

/// Brings `student_faces.db` in line with a roster: unchanged photos (same URL,
/// same models) are kept as they are, a photo whose descriptor came with the
/// roster (our backend's, made by the same models) is stored as it came, the
/// others are downloaded and encoded on every core, and removed students and
/// photos are deleted. Cancelling the task (a newer roster arrived) stops it
/// between photos.
public struct RosterSync: Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let studentName: String
        public let url: String
        public let reason: String
        public var description: String { "\(studentName): \(reason) (\(url))" }
    }

    public struct LookAlikes: Sendable, Equatable, CustomStringConvertible {
        public let first: String, second: String
        public let distance: Double
        public var description: String { "\(first) and \(second) (\(String(format: "%.2f", distance)))" }
    }

    public struct DisagreeingPhoto: Sendable, Equatable, CustomStringConvertible {
        public let student: String
        /// Which photo: its number among the student's photos in the roster, from 1, and its link without a signature.
        public let photo: Int
        public let url: String
        /// To the nearest of the student's other photos.
        public let distance: Double
        public var description: String { "\(student)'s photo \(photo) (\(url)) is \(String(format: "%.2f", distance)) from their others" }
    }

    public struct Report: Sendable, Equatable {
        public var students = 0
        public var photos = 0
        public var encoded = 0
        public var reused = 0
        /// Photos whose descriptor came with the roster: neither downloaded nor encoded.
        public var received = 0
        public var problems: [Problem] = []
        /// Students left with no usable photo: they cannot be recognised.
        public var unrecognisable: [String] = []
        /// Students whose photos are within the tolerance of another student's, closest first: a
        /// face of either may be near both, and is marked only when clearly nearer one (the margin).
        public var lookAlikes: [LookAlikes] = []
        /// Students with a photo far from all their other photos: perhaps a photo of someone else.
        public var photosThatDisagree: [DisagreeingPhoto] = []
    }

    let store: FaceStore
    let models: FaceModels
    let workers: Int
    let downloader: any PhotoDownloader
    let downloads: Int
    let maxPixels: Int
    /// Photos of two students within this distance make them look-alikes; one student's
    /// photo beyond it from all their others disagrees with them (the recognition tolerance).
    let tolerance: Double

    /// - Parameters:
    ///   - workers: photos encoded at once, each by a worker made from `models` for this
    ///     sync alone and let go when it ends: a worker holds its own copy of the networks,
    ///     which recognition, one worker, has no use for after the first sync.
    ///   - downloads: photos fetched ahead of the workers, so that none waits for the network.
    public init(store: FaceStore, models: FaceModels, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                downloader: any PhotoDownloader = HTTPPhotoDownloader(), downloads: Int = 4, maxPixels: Int = 40_000_000,
                tolerance: Double = IdentificationRule.standard.tolerance) {
        self.tolerance = tolerance
        self.store = store
        self.models = models
        self.workers = max(1, workers)
        self.downloader = downloader
        self.downloads = max(1, downloads)
        self.maxPixels = maxPixels
    }

    public func run(_ roster: Roster, progress: @escaping @Sendable (Int, Int) async -> Void = { _, _ in }) async throws -> Report {
        try await store.replaceRoster(roster)
        var report = Report(students: roster.students.count)
        var work: [(RosterStudent, String)] = []
        var received: [(studentId: String, record: FaceStore.PhotoRecord)] = []
        for student in roster.students {
            for (index, url) in student.images.enumerated() {
                report.photos += 1
                let identity = PhotoLink.identity(of: url)
                if let known = try await store.record(studentId: student.id, url: identity) {
                    report.reused += 1
                    if let problem = Self.problem(known.result, student: student, url: url) { report.problems.append(problem) }
                } else if let given = student.descriptor(forImageAt: index), let descriptor = Self.usable(given) {
                    received.append((student.id, FaceStore.PhotoRecord(url: identity, sha256: given.sha256 ?? "", result: .encoded(descriptor))))
                } else {
                    work.append((student, url))
                }
            }
        }
        try await store.save(received)
        report.received = received.count

        var done = 0
        await progress(0, work.count)
        let encoder = FaceEngine(models: models, workers: workers)
        try await withThrowingTaskGroup(of: (RosterStudent, String, String, FaceStore.PhotoResult).self) { group in
            var next = 0
            func start() {
                guard next < work.count else { return }
                let (student, url) = work[next]
                next += 1
                group.addTask { try Task.checkCancellation(); return try await encode(student, url, with: encoder) }
            }
            // Every worker busy, and the next photos already downloading while they are.
            for _ in 0..<(workers + downloads) { start() }
            while let (student, url, digest, result) = try await group.next() {
                // A failure is not kept: the photo is tried again with the next roster.
                if case .failed = result {} else {
                    try await store.save(studentId: student.id, url: PhotoLink.identity(of: url), sha256: digest, result: result)
                }
                if case .encoded = result { report.encoded += 1 }
                if let problem = Self.problem(result, student: student, url: url) { report.problems.append(problem) }
                done += 1
                await progress(done, work.count)
                start()
            }
        }
        let (index, photos) = try await encodedPhotos(in: roster)
        let usable = Set(index.labels)
        report.unrecognisable = roster.students.filter { !usable.contains($0.id) }.map(\.name)
        (report.lookAlikes, report.photosThatDisagree) = pairsToCheck(roster, index: index, photos: photos)
        return report
    }

    /// The stored descriptors in roster order (one read of the store), with each photo's
    /// number among its student's photos (from 1) and its link without a signature.
    private func encodedPhotos(in roster: Roster) async throws -> (FaceIndex<String>, [(number: Int, url: String)]) {
        let stored = try await store.descriptorsByPhoto()
        var index = FaceIndex<String>()
        var photos: [(number: Int, url: String)] = []
        for student in roster.students {
            for (number, link) in student.images.enumerated() {
                let url = PhotoLink.identity(of: link)
                guard let descriptor = stored[student.id]?[url] else { continue }
                index.add(descriptor, label: student.id)
                photos.append((number + 1, url))
            }
        }
        return (index, photos)
    }

    /// Students who look alike, and photos far from their owner's others.
    private func pairsToCheck(_ roster: Roster, index: FaceIndex<String>, photos: [(number: Int, url: String)]) -> ([LookAlikes], [DisagreeingPhoto]) {
        let names = Dictionary(roster.students.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let lookAlikes = index.lookAlikes(within: tolerance).map {
            LookAlikes(first: names[$0.first] ?? $0.first, second: names[$0.second] ?? $0.second, distance: $0.distance)
        }
        let disagreeing = index.outlyingPhotos(beyond: tolerance).map {
            DisagreeingPhoto(student: names[$0.person] ?? $0.person, photo: photos[$0.position].number, url: photos[$0.position].url, distance: $0.distance)
        }
        return (lookAlikes, disagreeing)
    }

    /// A descriptor that came with the roster, when it may stand for encoding the
    /// photo here: made by these models, and 128 finite numbers (anything else, and
    /// the photo is encoded as if none had come).
    static func usable(_ given: RosterStudent.Descriptor) -> FaceDescriptor? {
        guard given.model == FaceStore.modelIdentity else { return nil }
        return try? FaceDescriptor(bytes: given.bytes)
    }

    private func encode(_ student: RosterStudent, _ url: String, with encoder: FaceEngine) async throws
        -> (RosterStudent, String, String, FaceStore.PhotoResult) {
        let bytes: [UInt8]
        do {
            bytes = try await downloader.fetch(url)
        } catch {
            return (student, url, "", .failed("\(error)"))
        }
        let digest = SHA256.hash(data: bytes).hexadecimal
        do {
            // Decoded by the worker, off the cooperative threads: no more photos are held decoded than there are workers.
            let faces = try await encoder.withWorker { [maxPixels] worker in
                try worker.faces(in: RGBImage(decoding: bytes, maxPixels: maxPixels))
            }
            switch faces.count {
            case 0: return (student, url, digest, .noFace)
            case 1: return (student, url, digest, .encoded(faces[0].descriptor))
            // A group photo could enrol the wrong person: reported, not used.
            default: return (student, url, digest, .severalFaces(faces.count))
            }
        } catch let error as FaceEngineError {
            return (student, url, digest, .failed(error.message))
        }
    }

    static func problem(_ result: FaceStore.PhotoResult, student: RosterStudent, url: String) -> Problem? {
        switch result {
        case .encoded: nil
        case .noFace: Problem(studentName: student.name, url: url, reason: "no face in the photo")
        case .severalFaces(let count): Problem(studentName: student.name, url: url, reason: "\(count) faces in the photo")
        case .failed(let reason): Problem(studentName: student.name, url: url, reason: reason)
        }
    }
}
