import BackendStore
import CSV
import FaceEngine
import Foundation
import StreakTrackProtocol

/// A class enrolled at once: from a CSV (name, enrolment number, classes, photo
/// file names) with its photos, or from a face_recognition-style folder
/// (`asha_verma.jpg`, or `asha_verma/1.jpg`, `asha_verma/2.jpg`). A dry run says what
/// would become of every row, photos checked by the face engine; the run does it.
/// A row of an enrolment number already enrolled adds what is new (photos, classes).
public struct BulkEnrolment: Sendable {
    public struct Row: Sendable, Equatable {
        /// The CSV line (1 is the header), or the position in the folder.
        public let line: Int
        public let name: String
        public let enrollmentNo: String
        public let classNames: [String]
        public let photoNames: [String]
    }

    public struct Outcome: Sendable, Encodable, Equatable {
        public enum Action: String, Sendable, Encodable {
            /// A new student (dry run: would be).
            case enrol
            /// Already enrolled: their new photos and classes are added.
            case update
            case nothingToDo
            /// Not enrolled: see `problems`.
            case refused
        }

        public let line: Int
        public let name: String
        public let enrollmentNo: String
        public var action: Action
        public var problems: [String] = []
        public var photos: [PhotoOutcome] = []
        /// Enrolled students this row's faces look like: the nearest few, and at least how many more.
        public var lookAlikes: [Enrolment.LookAlike] = []
        public var otherLookAlikes = 0
        /// Earlier rows of the same file whose faces this row's look like (one person on two rows).
        public var sameFaceAs: [EarlierRow] = []
        public var newClasses: [String] = []
        public var studentId: String?
    }

    public struct EarlierRow: Sendable, Encodable, Equatable {
        public let line: Int
        public let name: String
        public let distance: Double
    }

    public struct PhotoOutcome: Sendable, Encodable, Equatable {
        public let file: String
        public let accepted: Bool
        public let problem: String?
    }

    let enrolment: Enrolment

    /// What keeps each row: a class, a student, photos, each with its audit entry.
    let operations: Operations

    public init(enrolment: Enrolment, operations: Operations) {
        self.operations = operations
        self.enrolment = enrolment
    }

    private var stores: BackendStores { enrolment.stores }

    // MARK: Reading the input

    /// Rows of a CSV whose header names `name`, `enrollment_no` (or `enrollmentNo`),
    /// and optionally `classes` and `photos` (several separated by `;`).
    public static func rows(csv text: String) throws -> [Row] {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true) } catch {
            throw BulkEnrolmentError("the CSV cannot be read: \(error)")
        }
        let header = (reader.headerRow ?? []).map { $0.lowercased().replacingOccurrences(of: " ", with: "_") }
        func column(_ names: String...) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        guard let name = column("name"), let number = column("enrollment_no", "enrollmentno", "enrolment_no", "enrollment_number") else {
            throw BulkEnrolmentError("the CSV's first line must name its columns: name, enrollment_no, and optionally classes and photos")
        }
        let classes = column("classes", "class"), photos = column("photos", "photo")
        var rows: [Row] = []
        var line = 1
        while let fields = reader.next() {
            line += 1
            guard fields.contains(where: { !$0.isEmpty }) else { continue }
            func value(_ index: Int?) -> String { index.flatMap { $0 < fields.count ? fields[$0] : nil } ?? "" }
            func list(_ index: Int?) -> [String] { value(index).split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            rows.append(Row(line: line, name: value(name), enrollmentNo: value(number), classNames: list(classes), photoNames: list(photos)))
            guard rows.count <= 20_000 else { throw BulkEnrolmentError("more than 20,000 rows: split the file") }
        }
        return rows
    }

    /// Rows of a face_recognition-style folder: one photo per person named after them
    /// (`asha_verma.jpg`), or one folder of photos per person (`asha_verma/1.jpg`).
    /// The enrolment number is the name in capitals (`ASHA_VERMA`): set real ones with a CSV.
    public static func rows(folder files: [String]) -> [Row] {
        let photos = files.sorted().filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
        let paths = photos.map { $0.split(separator: "/").map(String.init).filter { $0 != "." } }
        // The folders every photo is in (a ZIP of `known/` holds `known/...`) say nothing about who is in them.
        var shared = paths.first.map { Array($0.dropLast()) } ?? []
        for parts in paths { while !shared.isEmpty && Array(parts.dropLast().prefix(shared.count)) != shared { shared.removeLast() } }
        var photosByPerson: [String: [String]] = [:]
        for (path, parts) in zip(photos, paths) {
            let relative = Array(parts.dropFirst(shared.count))
            let person = relative.count >= 2 ? relative[relative.count - 2] : (relative.last! as NSString).deletingPathExtension
            photosByPerson[person, default: []].append(path)
        }
        return photosByPerson.keys.sorted().enumerated().map { index, person in
            let name = person.replacingOccurrences(of: "_", with: " ").split(separator: " ")
                .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
            return Row(line: index + 1, name: name, enrollmentNo: person.uppercased(), classNames: [], photoNames: photosByPerson[person]!)
        }
    }

    // MARK: Doing it

    /// What becomes of each row (`dryRun`: what would), reporting progress as rows are done.
    /// `photo` gives a photo's bytes by the name the row uses.
    public func run(_ rows: [Row], organizationId: String, dryRun: Bool, by principal: Principal,
                    photo: @Sendable (String) async throws -> [UInt8]?,
                    progress: @Sendable (Int, Int) async -> Void = { _, _ in }) async throws -> [Outcome] {
        var classIds = Dictionary(uniqueKeysWithValues: try await stores.classes.classes(organizationId: organizationId).map { ($0.name, $0.id) })
        var seen: [String: Int] = [:]
        var outcomes: [Outcome] = []
        // The faces of the rows before, so that one person on two rows is caught in a
        // dry run too (nothing is stored then); students this run made are compared here, not in the store.
        var earlierFaces: [(row: Row, face: FaceDescriptor)] = []
        var madeHere: Set<String> = []
        await progress(0, rows.count)
        for (index, row) in rows.enumerated() {
            var outcome = Outcome(line: row.line, name: row.name, enrollmentNo: row.enrollmentNo, action: .enrol)
            if let earlier = seen[row.enrollmentNo.lowercased()] {
                outcome.problems.append("the enrolment number \(row.enrollmentNo) is also on line \(earlier)")
            }
            seen[row.enrollmentNo.lowercased()] = row.line
            let existing = try await stores.roster.student(enrollmentNo: row.enrollmentNo, organizationId: organizationId)
            outcome.studentId = existing?.id
            if existing == nil {
                for (rule, value) in [(FieldRule.name, row.name), (.enrollmentNo, row.enrollmentNo)] {
                    let value = value.trimmingCharacters(in: .whitespaces)
                    if let problem = value.isEmpty ? "no \(rule == .name ? "name" : "enrolment number")" : rule.problem(value) {
                        outcome.problems.append(problem)
                    }
                }
            }
            outcome.newClasses = row.classNames.filter { classIds[$0] == nil }
            // Every photo checked, even of a refused row: the person fixing the file sees every problem at once.
            var accepted: [PhotoUpload] = []
            let known = Set(existing?.photoIds.isEmpty == false ? try await stores.roster.photoDigests(studentId: existing!.id) : [])
            for name in row.photoNames {
                guard let bytes = try await photo(name) else {
                    outcome.photos.append(PhotoOutcome(file: name, accepted: false, problem: "no file \(name)"))
                    continue
                }
                do {
                    let upload = try PhotoUpload(bytes: bytes)
                    if known.contains(upload.sha256) { continue }
                    let (checked, verdict) = try await enrolment.accepted(upload, position: accepted.count + 1, organizationId: organizationId,
                                                                         besides: existing?.id, ignoring: madeHere)
                    accepted.append(checked)
                    outcome.add(verdict)
                    outcome.photos.append(PhotoOutcome(file: name, accepted: true, problem: nil))
                } catch let refused as PhotoRefused {
                    outcome.photos.append(PhotoOutcome(file: name, accepted: false, problem: refused.report.problem))
                } catch let error as StoreError {
                    outcome.photos.append(PhotoOutcome(file: name, accepted: false, problem: error.description))
                }
            }
            let faces = accepted.compactMap { $0.face.flatMap { try? FaceDescriptor(bytes: $0.descriptor) } }
            outcome.sameFaceAs = Self.sameFaces(faces, among: earlierFaces, besides: row, tolerance: enrolment.tolerance)
            let refusedPhotos = outcome.photos.filter { !$0.accepted }.map { "\($0.file): \($0.problem ?? "refused")" }
            outcome.problems += refusedPhotos
            if existing == nil && accepted.isEmpty && outcome.problems.isEmpty {
                outcome.problems.append("no usable photo: a student needs at least one")
            }
            if !outcome.problems.isEmpty {
                outcome.action = .refused
            } else if existing != nil {
                let currentClasses = Set(try await stores.classes.classIds(ofStudents: organizationId)[existing!.id] ?? [])
                let addsClasses = row.classNames.contains { classIds[$0].map { !currentClasses.contains($0) } ?? true }
                outcome.action = accepted.isEmpty && !addsClasses ? .nothingToDo : .update
            }
            if !dryRun && (outcome.action == .enrol || outcome.action == .update) {
                for name in outcome.newClasses {
                    classIds[name] = try await operations.addClass(named: name, in: organizationId, by: principal).id
                }
                let rowClasses = row.classNames.compactMap { classIds[$0] }
                if let existing {
                    _ = try await operations.addPhotos(accepted, classIds: rowClasses, to: existing, as: .studentUpdate, by: principal,
                                                       detail: "bulk: \(accepted.count) photo(s), classes \(row.classNames.joined(separator: ", "))")
                } else {
                    let student = try await operations.enrol(row.name, enrollmentNo: row.enrollmentNo, photos: accepted, classIds: rowClasses,
                                                             in: organizationId, by: principal, note: "; bulk")
                    outcome.studentId = student.id
                    madeHere.insert(student.id)
                }
            }
            if outcome.action != .refused { earlierFaces += faces.map { (row, $0) } }
            outcomes.append(outcome)
            await progress(index + 1, rows.count)
        }
        return outcomes
    }

    /// The earlier rows (another enrolment number) with a face within `tolerance` of one of `faces`, nearest first.
    static func sameFaces(_ faces: [FaceDescriptor], among earlier: [(row: Row, face: FaceDescriptor)], besides row: Row,
                          tolerance: Double) -> [EarlierRow] {
        var nearest: [Int: (Row, Double)] = [:]
        for (other, otherFace) in earlier where other.enrollmentNo.lowercased() != row.enrollmentNo.lowercased() {
            for face in faces {
                let distance = face.distance(to: otherFace)
                if distance <= tolerance, distance < nearest[other.line]?.1 ?? .infinity { nearest[other.line] = (other, distance) }
            }
        }
        return nearest.values.sorted { $0.1 < $1.1 }.prefix(Enrolment.namedLookAlikes)
            .map { EarlierRow(line: $0.0.line, name: $0.0.name, distance: $0.1) }
    }
}

extension BulkEnrolment.Outcome {
    /// A photo's look-alikes joined to the row's: each student once, at their nearest, the nearest few named.
    mutating func add(_ verdict: Enrolment.Verdict) {
        var byStudent = Dictionary(lookAlikes.map { ($0.studentId, $0) }, uniquingKeysWith: { $0.distance <= $1.distance ? $0 : $1 })
        for alike in verdict.lookAlikes where alike.distance < byStudent[alike.studentId]?.distance ?? .infinity {
            byStudent[alike.studentId] = alike
        }
        let ranked = byStudent.values.sorted { ($0.distance, $0.studentId) < ($1.distance, $1.studentId) }
        lookAlikes = Array(ranked.prefix(Enrolment.namedLookAlikes))
        // Photos of one row mostly find the same students: at least this many more.
        otherLookAlikes = max(otherLookAlikes, verdict.otherLookAlikes, ranked.count - lookAlikes.count)
    }
}

public struct BulkEnrolmentError: Error, CustomStringConvertible {
    public let description: String
    /// Over a size limit (HTTP 413), rather than unusable (400).
    public let tooLarge: Bool
    init(_ description: String, tooLarge: Bool = false) {
        self.description = description
        self.tooLarge = tooLarge
    }
}
