import ArgumentParser
import FaceEngine
import Foundation

/// `faces evaluate`: open-set identification on a school's own photos, to choose a tolerance and a margin.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure identification on your own photos: genuine faces named, mix-ups and strangers accepted for each tolerance and margin.",
        discussion: """
        GALLERY holds the enrolled people, PROBES the photos to identify, each as one \
        folder per person (or one photo per person named after them). Probes of people \
        who are not in GALLERY are strangers. With only one folder, its split.json (as in \
        the shared test photos: "enrolled" and "strangers") or else every person is used: \
        each enrolled person's 1.jpg (else first photo) is the gallery, every other photo a probe.

        Prints, for each tolerance and margin, what the device's rule would do with the \
        probes; the distances between probes and enrolled people (same person and \
        different people) as a histogram; and the rates to expect with rosters of other \
        sizes, projected from the measured distances.
        """)

    @Argument(help: ArgumentHelp("Enrolled people: one folder per person (or a folder with split.json).", valueName: "gallery"))
    var gallery: String

    @Argument(help: ArgumentHelp("Photos to identify: one folder per person.", valueName: "probes"))
    var probes: String?

    @Option(help: "Tolerances to try, comma-separated.")
    var tolerances = "0.4,0.45,0.5,0.55,0.6,0.65,0.7"

    @Option(help: "Margins to try, comma-separated: how much farther the second-nearest person must be, as a fraction of the nearest's distance (0: face_recognition's rule, the nearest within the tolerance).")
    var margins = "0,0.1,0.25,0.4"

    @Option(help: "Roster sizes to project the rates to, comma-separated.")
    var rosters = "30,100,1000,3000"

    @Option(help: "Also draw the distance histogram as an SVG file here.")
    var svg: String?

    @OptionGroup var engineOptions: EngineOptions

    mutating func run() async throws {
        let tolerances = try Self.numbers(tolerances, option: "--tolerances"), margins = try Self.numbers(margins, option: "--margins")
        let rosters = try Self.numbers(rosters, option: "--rosters").map { Int($0) }
        let layout = try EvaluationLayout(gallery: gallery, probes: probes)
        let engine = try engineOptions.engine()
        var described: [String: FaceDescriptor] = [:]
        var skipped: [String] = []
        await ImageInputs.process((layout.gallery + layout.probes).map(\.path), width: engine.maxWorkers, work: { path in
            try await engine.faces(in: RGBImage(contentsOfFile: path)).max { $0.box.area < $1.box.area }?.descriptor
        }, emit: { path, result in
            switch result {
            case .success(let descriptor?): described[path] = descriptor
            case .success(nil): skipped.append("\(path): no face")
            case .failure(let error): skipped.append("\(path): \(error.readableMessage)")
            }
        })
        let samples = { (photos: [PeopleFolder.Photo]) in
            photos.compactMap { photo in described[photo.path].map { OpenSetEvaluation.Sample(person: photo.person, descriptor: $0) } }
        }
        let evaluation = OpenSetEvaluation(gallery: samples(layout.gallery), probes: samples(layout.probes))
        guard !evaluation.gallery.isEmpty, !evaluation.probes.isEmpty else {
            throw ValidationError("nothing to evaluate: \(evaluation.gallery.count) enrolled face(s), \(evaluation.probes.count) probe face(s)")
        }
        let report = EvaluationReport(evaluation: evaluation, tolerances: tolerances, margins: margins, rosters: rosters)
        print(report.text(source: layout.description, skipped: skipped))
        if let svg {
            try Data(report.svg().utf8).write(to: URL(fileURLWithPath: svg))
            print("histogram drawn in \(svg)")
        }
    }

    static func numbers(_ text: String, option: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= 0 && $0!.isFinite }) else {
            throw ValidationError("\(option) takes numbers separated by commas, like 0.4,0.5,0.6; got \"\(text)\"")
        }
        return values.map { $0! }
    }
}

/// Which photos are enrolled and which are probes.
struct EvaluationLayout {
    var gallery: [PeopleFolder.Photo] = []
    var probes: [PeopleFolder.Photo] = []
    var description: String

    init(gallery folder: String, probes probesFolder: String?) throws {
        guard let photos = PeopleFolder.photos(in: folder) else { throw ValidationError("\(folder): cannot read the folder") }
        if let probesFolder {
            guard let probes = PeopleFolder.photos(in: probesFolder) else { throw ValidationError("\(probesFolder): cannot read the folder") }
            gallery = photos
            self.probes = probes
            description = "gallery \(folder), probes \(probesFolder)"
            return
        }
        let split = Self.split(in: folder)
        let enrolled = split?.enrolled ?? Set(photos.map(\.person))
        let strangers = split?.strangers ?? []
        for person in Set(photos.map(\.person)).sorted() {
            let theirs = photos.filter { $0.person == person }
            if enrolled.contains(person) {
                let enrolment = theirs.first { ($0.path as NSString).lastPathComponent == "1.jpg" } ?? theirs[0]
                gallery.append(enrolment)
                probes += theirs.filter { $0.path != enrolment.path }
            } else if strangers.contains(person) || split == nil {
                probes += theirs
            }
        }
        description = "\(folder): each enrolled person's 1.jpg enrolled, every other photo a probe"
            + (split == nil ? " (no split.json: everyone enrolled)" : " (split.json: \(enrolled.count) enrolled, \(strangers.count) strangers)")
    }

    private static func split(in folder: String) -> (enrolled: Set<String>, strangers: Set<String>)? {
        guard let data = FileManager.default.contents(atPath: folder + "/split.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let enrolled = object["enrolled"] as? [String] else { return nil }
        return (Set(enrolled), Set(object["strangers"] as? [String] ?? []))
    }
}
