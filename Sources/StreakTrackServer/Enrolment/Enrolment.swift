import BackendStore
import FaceEngine

/// Enrolling students, wherever it is asked for (the API, the dashboard, the
/// command line, a bulk file): every photo checked by the face engine before it
/// is kept, and a face that looks like another student's reported.
public struct Enrolment: Sendable {
    let stores: BackendStores
    let check: PhotoCheck
    /// Two students' faces this close are reported as look-alikes.
    let tolerance: Double

    public init(stores: BackendStores, engine: FaceEngine, tolerance: Double = 0.5) {
        self.init(stores: stores, check: PhotoCheck(engine: engine, thresholds: PhotoCheck.Thresholds()), tolerance: tolerance)
    }

    init(stores: BackendStores, check: PhotoCheck, tolerance: Double) {
        self.stores = stores
        self.check = check
        self.tolerance = tolerance
    }

    /// A photo's verdict, and the students it looks like.
    public struct Verdict: Sendable, Encodable {
        public let check: PhotoCheck.Report
        /// The nearest few; a person checks pairs, and a photo like a hundred others says so with `otherLookAlikes`.
        public let lookAlikes: [LookAlike]
        public let otherLookAlikes: Int
    }

    public struct LookAlike: Sendable, Encodable, Equatable {
        public let studentId: String
        public let name: String
        public let distance: Double
    }

    /// How many look-alikes are named; the rest are counted.
    static let namedLookAlikes = 5

    /// What the face engine says of a photo, without keeping it; the face, when accepted.
    /// Students in `ignoring` are not reported as look-alikes (those a bulk run made itself).
    public func verdict(on upload: PhotoUpload, organizationId: String, besides studentId: String?,
                        ignoring: Set<String> = []) async throws -> (Verdict, PhotoFace?) {
        let (report, face) = try await check.check(upload)
        guard let face else { return (Verdict(check: report, lookAlikes: [], otherLookAlikes: 0), nil) }
        let (named, others) = try await lookAlikes(of: face, organizationId: organizationId, besides: studentId, ignoring: ignoring)
        return (Verdict(check: report, lookAlikes: named, otherLookAlikes: others), face)
    }

    /// The upload with its face, ready to keep; `PhotoRefused` when the face engine says no.
    public func accepted(_ upload: PhotoUpload, position: Int, organizationId: String, besides studentId: String?,
                         ignoring: Set<String> = []) async throws -> (PhotoUpload, Verdict) {
        let (verdict, face) = try await verdict(on: upload, organizationId: organizationId, besides: studentId, ignoring: ignoring)
        guard let face else { throw PhotoRefused(position: position, report: verdict.check) }
        var upload = upload
        upload.face = face
        return (upload, verdict)
    }

    /// Photos checked one by one, ready to keep (`Operations.enrol`, `addPhotos`);
    /// `PhotoRefused` for the first the face engine refuses, so nothing is kept.
    public func checked(_ photos: [PhotoUpload], organizationId: String, besides studentId: String? = nil) async throws
        -> (photos: [PhotoUpload], verdicts: [Verdict]) {
        var uploads: [PhotoUpload] = [], verdicts: [Verdict] = []
        for (index, photo) in photos.enumerated() {
            let (upload, verdict) = try await accepted(photo, position: index + 1, organizationId: organizationId, besides: studentId)
            uploads.append(upload)
            verdicts.append(verdict)
        }
        return (uploads, verdicts)
    }

    /// What the audit log says of the students the photos look like.
    public static func lookAlikeNote(_ verdicts: [Verdict]) -> String {
        let names = Set(verdicts.flatMap { $0.lookAlikes.map(\.name) })
        return names.isEmpty ? "" : "; looks like \(names.sorted().joined(separator: ", "))"
    }

    /// Other students whose enrolled faces are within the tolerance of `face` (two who
    /// look alike, or one enrolled twice): the nearest few by name, and how many more.
    func lookAlikes(of face: PhotoFace, organizationId: String, besides studentId: String?,
                    ignoring: Set<String>) async throws -> (named: [LookAlike], others: Int) {
        let probe = try FaceDescriptor(bytes: face.descriptor)
        var nearest: [String: Double] = [:]
        for enrolled in try await stores.roster.faces(organizationId: organizationId)
        where enrolled.studentId != studentId && !ignoring.contains(enrolled.studentId) && enrolled.face.model == face.model {
            guard let other = try? FaceDescriptor(bytes: enrolled.face.descriptor) else { continue }
            let distance = probe.distance(to: other)
            if distance <= tolerance { nearest[enrolled.studentId] = min(nearest[enrolled.studentId] ?? 1, distance) }
        }
        let ranked = nearest.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        var named: [LookAlike] = []
        for (id, distance) in ranked.prefix(Self.namedLookAlikes) {
            if let student = try await stores.roster.student(id) { named.append(LookAlike(studentId: id, name: student.name, distance: distance)) }
        }
        return (named, ranked.count - named.count)
    }
}

/// A photo the face engine refused: nothing is kept, and the reason is said.
public struct PhotoRefused: Error, CustomStringConvertible {
    public let position: Int
    public let report: PhotoCheck.Report

    public var description: String { "photo \(position): \(report.problem ?? "refused")" }
}
