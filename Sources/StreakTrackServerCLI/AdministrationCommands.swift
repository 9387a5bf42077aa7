import ArgumentParser
import BackendStore
import Foundation
import StreakTrackProtocol
import StreakTrackServer

struct OrganizationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "organizations", abstract: "Add and list organizations.",
                                                    subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an organization and print its id.")
        @Argument(help: "The organization's name.") var name: String
        @Option(help: "Its 24-hex-digit id, to match devices already configured for the original backend.") var id: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let organization = try await withStore(store) {
                try await Operations(stores: $0).addOrganization(named: name, id: id ?? ObjectID.make(), by: .commandLine)
            }
            print("\(organization.id)\t\(organization.name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organizations: id and name.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            for organization in try await withStore(store, { try await $0.roster.organizations() }) {
                print("\(organization.id)\t\(organization.name)")
            }
        }
    }
}

struct StudentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "students", abstract: "Add, enrol many, list and remove students.",
                                                    subcommands: [Add.self, EnrolCommand.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a student with photos of their face (JPEG or PNG), each checked by the face engine first.")
        @Option var name: String
        @Option(name: .customLong("enrollment-no")) var enrollmentNo: String
        @Option(help: "Organization id (not needed when there is only one).") var organization: String?
        @Option(name: .customLong("class"), help: "A class to put them in, by name (repeatable; made if new).") var classes: [String] = []
        @Argument(help: "Photos of the student's face.") var photos: [String] = []
        @OptionGroup var models: ModelOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let uploads = try photos.map { path in
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
                do { return try PhotoUpload(bytes: Array(data)) } catch { throw ValidationError("\(path): \(error)") }
            }
            let engine = try models.engine()
            let (student, verdicts) = try await withStore(store) { stores in
                let organizationId = try await resolveOrganization(organization, in: stores)
                var classIds: [String] = []
                for name in classes { classIds.append(try await classId(named: name, in: organizationId, stores: stores, creating: true)) }
                do {
                    let (checked, verdicts) = try await Enrolment(stores: stores, engine: engine).checked(uploads, organizationId: organizationId)
                    let student = try await Operations(stores: stores).enrol(name, enrollmentNo: enrollmentNo, photos: checked, classIds: classIds,
                                                                             in: organizationId, by: .commandLine,
                                                                             note: Enrolment.lookAlikeNote(verdicts))
                    return (student, verdicts)
                } catch let refused as PhotoRefused {
                    throw ValidationError("\(photos[refused.position - 1]): \(refused.report.problem ?? "refused")")
                }
            }
            print("\(student.id)\t\(student.name)\t\(student.enrollmentNo)\t\(student.photoIds.count) photo(s)")
            for (path, verdict) in zip(photos, verdicts) {
                for alike in verdict.lookAlikes {
                    print("note: \(path) looks like \(alike.name) (distance \(String(format: "%.2f", alike.distance))): two students alike, or one enrolled twice?")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's students: id, name, enrollment number, photos.")
        @Option(help: "Organization id (not needed when there is only one).") var organization: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let students = try await withStore(store) { stores in
                try await stores.roster.students(organizationId: try await resolveOrganization(organization, in: stores))
            }
            for s in students { print("\(s.id)\t\(s.name)\t\(s.enrollmentNo)\t\(s.photoIds.count) photo(s)") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a student and their photos; connected devices get the roster without them.")
        @Argument(help: "The student's id.") var id: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withStore(store) { try await Operations(stores: $0).removeStudent(id, by: .commandLine) }
            print("removed \(id)")
        }
    }
}

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "Register, list and remove devices.",
                                                    subcommands: [Add.self, NewSecret.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a device and print its config.json with its secret (shown once).")
        @Argument(help: "The device id, as in its config.json.") var id: String
        @Option var name: String?
        @Option(help: "Organization id (not needed when there is only one).") var organization: String?
        @Flag(help: "Admit it without a secret (an original device that cannot send one; anyone can then take its id).")
        var admitWithoutSecret = false
        @Option(name: .customLong("server-url"), help: "The server as the device reaches it, for config.json (default: http://<this machine's address>:3001).")
        var serverURL: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (secret, organizationId) = try await withStore(store) { stores in
                let organizationId = try await resolveOrganization(organization, in: stores)
                return (try await Operations(stores: stores).registerDevice(id, named: name, admitWithoutSecret: admitWithoutSecret,
                                                                            in: organizationId, by: .commandLine), organizationId)
            }
            printConfig(DeviceConfigFile(serverURL: serverURL ?? defaultServerURL, deviceId: id, organizationId: organizationId.lowercased(),
                                         secret: secret), "registered")
        }
    }

    struct NewSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-secret",
            abstract: "Give a registered device a new secret (its config.json was lost or leaked; the old one stops working) and print its config.json.")
        @Argument var id: String
        @Option(help: "Organization id (not needed when there is only one).") var organization: String?
        @Option(name: .customLong("server-url"), help: "The server as the device reaches it, for config.json (default: http://<this machine's address>:3001).")
        var serverURL: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (secret, organizationId) = try await withStore(store) { stores in
                let organizationId = try await resolveOrganization(organization, in: stores)
                return (try await Operations(stores: stores).renewSecret(of: DeviceKey(id, of: organizationId), by: .commandLine),
                        organizationId.lowercased())
            }
            printConfig(DeviceConfigFile(serverURL: serverURL ?? defaultServerURL, deviceId: id, organizationId: organizationId, secret: secret),
                        "has a new secret")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List devices: id, name, online, last seen, how they are admitted.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            for d in try await withStore(store, { try await $0.devices.devices() }) {
                let access = d.admitWithoutSecret ? "admitted without secret" : (d.hasSecret ? "secret" : "no secret (refused)")
                print("\(d.id)\t\(d.name)\t\(d.online ? "online" : "offline")\tlast seen \(d.lastSeen ?? "never")\t\(access)")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a device: it can no longer connect.")
        @Argument var id: String
        @Option(help: "Organization id (not needed when there is only one).") var organization: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await withStore(store) { stores in
                let door = DeviceKey(id, of: try await resolveOrganization(organization, in: stores))
                try await Operations(stores: stores).removeDevice(door, by: .commandLine)
            }
            print("removed \(id)")
        }
    }
}

private func printConfig(_ config: DeviceConfigFile, _ what: String) {
    print("device \(config.deviceId) \(what). Its config.json (the secret is shown only now; keep the file readable by the device's user only):")
    print(config.text)
}

struct AttendanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attendance", abstract: "List, export or report attendance.",
                                                    subcommands: [List.self, Export.self, Report.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A class's (or the school's) month: each student's days, rate and streaks, and who is under the threshold.")
        @Option(name: .customLong("class"), help: "The class's name (default: the whole school).") var className: String?
        @Option(help: "The month, YYYY-MM (default: this month).") var month: String?
        @Option(help: "The rate under which a student is listed, 0 to 1.") var threshold = 0.9
        @Flag(help: "Print CSV instead of a table.") var csv = false
        @Option var organization: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let today = AttendanceTimestamp.day(of: Date())
            let month = month ?? String(today.prefix(7))
            let first = month + "-01"
            guard AttendanceTimestamp.validDay(first) != nil else { throw ValidationError("--month is YYYY-MM, not \(month)") }
            let last = SchoolCalendar.day(String(SchoolCalendar.day(first, plus: 31).prefix(7)) + "-01", plus: -1)
            let report = try await withStore(store) { stores in
                let organizationId = try await resolveOrganization(organization, in: stores)
                var group = AttendanceReports.Group(organizationId: organizationId)
                if let className {
                    group = .init(organizationId: organizationId,
                                  classId: try await classId(named: className, in: organizationId, stores: stores, creating: false))
                }
                return try await stores.reports.report(group: group, from: first, to: last, today: today, threshold: threshold)
            }
            if csv { return print(ReportCSV.text(report), terminator: "") }
            print("\(className ?? "whole school"), \(month): \(report.daily.count) school days so far")
            for average in report.monthly { print("monthly average \(average.month): \(String(format: "%.1f%%", average.average * 100))") }
            let under = Set(report.underThreshold)
            for s in report.students {
                let rate = s.summary.rate.map { String(format: "%5.1f%%", $0 * 100) } ?? "    -"
                print("\(rate)  \(s.summary.attended)/\(s.summary.schoolDays)  late \(s.summary.late)  streak \(s.summary.currentStreak) (longest \(s.summary.longestStreak))  \(s.name) \(s.enrollmentNo)\(under.contains(s.studentId) ? "  UNDER \(Int(threshold * 100))%" : "")")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List who was present on a day.")
        @Option(help: "The day, YYYY-MM-DD (default: today).") var date: String?
        @Option var organization: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let day = date ?? AttendanceTimestamp.day(of: Date())
            let records = try await withStore(store) { stores in
                try await stores.attendance.records(organizationId: try await resolveOrganization(organization, in: stores), day: day)
            }
            print("\(records.count) present on \(day)")
            for r in records { print("\(r.timestamp)\t\(r.name)\t\(r.enrollmentNo)\t\(r.deviceId)") }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print attendance as CSV.")
        @Option var from: String?
        @Option var to: String?
        @Option var organization: String?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let first = from ?? AttendanceTimestamp.day(of: Date())
            let records = try await withStore(store) { stores in
                try await stores.attendance.records(organizationId: try await resolveOrganization(organization, in: stores),
                                                    from: first, to: to ?? first)
            }
            print(AttendanceCSV.text(records), terminator: "")
        }
    }
}

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "admin", abstract: "The admin token of the REST API and dashboard.",
                                                    subcommands: [ResetToken.self])

    struct ResetToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reset-token", abstract: "Make and print a new admin token.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            print(try await withStore(store) { try await $0.settings.resetAdminToken() })
        }
    }
}
