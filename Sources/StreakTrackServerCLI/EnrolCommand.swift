import ArgumentParser
import BackendStore
import Foundation
import StreakTrackServer

/// `students enrol`: a class at once, from a CSV and its photos, or from a
/// face_recognition-style folder; a dry run first, as a person checks a file.
struct EnrolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enrol",
        abstract: "Enrol many students: a CSV (name, enrollment_no, classes, photos) with a folder or ZIP of photos, or a face_recognition-style folder.",
        discussion: """
            With --csv, each row's photos (';'-separated file names) are looked up in the folder or ZIP given. Without it,
            the folder or ZIP holds one photo per person named after them (asha_verma.jpg) or one folder of photos per
            person (asha_verma/1.jpg): the enrolment number is then the name in capitals. Every photo is checked by the
            face engine; a row with a refused photo is not enrolled. A row of an enrolment number already enrolled adds
            its new photos and classes. --dry-run says what would happen to each row and changes nothing.
            """)

    @Argument(help: "A folder or a ZIP file of photos.") var photos: String
    @Option(help: "The CSV of students.") var csv: String?
    @Flag(name: .customLong("dry-run"), help: "Check every row and photo, change nothing.") var dryRun = false
    @Option var organization: String?
    @OptionGroup var models: ModelOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let files = try EnrolmentFiles()
        do {
            if photos.lowercased().hasSuffix(".zip") {
                guard let data = FileManager.default.contents(atPath: photos) else { throw ValidationError("cannot read \(photos)") }
                try files.add((photos as NSString).lastPathComponent, bytes: Array(data))
            } else {
                try files.add(folder: photos)
            }
        } catch let error as BulkEnrolmentError {
            throw ValidationError(error.description)
        }
        let rows: [BulkEnrolment.Row]
        do {
            if let csv {
                guard let data = FileManager.default.contents(atPath: csv) else { throw ValidationError("cannot read \(csv)") }
                rows = try BulkEnrolment.rows(csv: String(decoding: data, as: UTF8.self))
            } else {
                rows = BulkEnrolment.rows(folder: files.names)
            }
        } catch let error as BulkEnrolmentError {
            throw ValidationError(error.description)
        }
        let engine = try models.engine()
        let outcomes = try await withStore(store) { stores in
            let organizationId = try await resolveOrganization(organization, in: stores)
            return try await BulkEnrolment(enrolment: Enrolment(stores: stores, engine: engine), operations: Operations(stores: stores)).run(
                rows, organizationId: organizationId, dryRun: dryRun, by: .commandLine, photo: { files.bytes($0) },
                progress: { done, total in
                    // On a terminal only: a log or a pipe gets the outcome lines alone.
                    if isatty(2) != 0 { FileHandle.standardError.write(Data("\r\(done) of \(total) rows checked\(dryRun ? "" : " and done")".utf8)) }
                })
        }
        if isatty(2) != 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        for outcome in outcomes {
            let what = switch outcome.action {
            case .enrol: dryRun ? "would enrol" : "enrolled"
            case .update: dryRun ? "would add photos/classes to" : "added photos/classes to"
            case .nothingToDo: "nothing new for"
            case .refused: "REFUSED"
            }
            print("line \(outcome.line)\t\(what)\t\(outcome.name)\t\(outcome.enrollmentNo)\t\(outcome.photos.filter(\.accepted).count) photo(s)"
                  + (outcome.newClasses.isEmpty ? "" : "\tnew classes: \(outcome.newClasses.joined(separator: ", "))"))
            for problem in outcome.problems { print("\t\(problem)") }
            for alike in outcome.lookAlikes {
                print("\tlooks like \(alike.name) (distance \(String(format: "%.2f", alike.distance))): two students alike, or one enrolled twice?")
            }
            if outcome.otherLookAlikes > 0 { print("\tand like \(outcome.otherLookAlikes) other student(s)") }
            for earlier in outcome.sameFaceAs {
                print("\tsame face as line \(earlier.line), \(earlier.name) (distance \(String(format: "%.2f", earlier.distance))): one person on two rows?")
            }
        }
        let refused = outcomes.filter { $0.action == .refused }.count
        print("\(outcomes.count) rows: \(outcomes.count - refused) \(dryRun ? "would be enrolled or updated" : "enrolled or updated"), \(refused) refused")
        if refused > 0 { throw ExitCode(2) }
    }
}
