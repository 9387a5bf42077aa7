import Crypto
import FaceEngine
import Foundation
import StreakTrackProtocol

/// Brings `student_faces.db` in line with a roster: new photos are downloaded
/// (a few at a time) and encoded, unchanged ones (same URL, same models) are
/// kept as they are, removed students and photos are deleted. Cancelling the
/// task (a newer roster arrived) stops it between photos.
public struct RosterSync: Sendable {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let studentName: String
        public let url: String
        public let reason: String
        public var description: String { "\(studentName): \(reason) (\(url))" }
    }

    public struct Report: Sendable, Equatable {
        public var students = 0
        public var photos = 0
        public var encoded = 0
        public var reused = 0
        public var problems: [Problem] = []
        /// Students left with no usable photo: they cannot be recognised.
        public var unrecognisable: [String] = []
    }

    let store: FaceStore
    let engine: FaceEngine
    let downloader: any PhotoDownloader
    let concurrency: Int
    let maxPixels: Int

    public init(store: FaceStore, engine: FaceEngine, downloader: any PhotoDownloader = HTTPPhotoDownloader(),
                concurrency: Int = 4, maxPixels: Int = 40_000_000) {
        self.store = store
        self.engine = engine
        self.downloader = downloader
        self.concurrency = max(1, concurrency)
        self.maxPixels = maxPixels
    }

    public func run(_ roster: Roster, progress: @escaping @Sendable (Int, Int) async -> Void = { _, _ in }) async throws -> Report {
        try await store.replaceRoster(roster)
        var report = Report(students: roster.students.count)
        var work: [(RosterStudent, String)] = []
        for student in roster.students {
            for url in student.images {
                report.photos += 1
                if let known = try await store.record(studentId: student.id, url: PhotoLink.identity(of: url)) {
                    report.reused += 1
                    if let problem = Self.problem(known.result, student: student, url: url) { report.problems.append(problem) }
                } else {
                    work.append((student, url))
                }
            }
        }
        var done = 0
        await progress(0, work.count)
        try await withThrowingTaskGroup(of: (RosterStudent, String, String, FaceStore.PhotoResult).self) { group in
            var next = 0
            func start() {
                guard next < work.count else { return }
                let (student, url) = work[next]
                next += 1
                group.addTask { try Task.checkCancellation(); return try await encode(student, url) }
            }
            for _ in 0..<concurrency { start() }
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
        let usable = Set(try await store.index().labels)
        report.unrecognisable = roster.students.filter { !usable.contains($0.id) }.map(\.name)
        return report
    }

    private func encode(_ student: RosterStudent, _ url: String) async throws -> (RosterStudent, String, String, FaceStore.PhotoResult) {
        let bytes: [UInt8]
        do {
            bytes = try await downloader.fetch(url)
        } catch {
            return (student, url, "", .failed("\(error)"))
        }
        let digest = SHA256.hash(data: bytes).hexadecimal
        do {
            let image = try RGBImage(decoding: bytes, maxPixels: maxPixels)
            let faces = try await engine.faces(in: image)
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
