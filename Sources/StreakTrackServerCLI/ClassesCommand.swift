import ArgumentParser
import BackendStore
import StreakTrackServer
import Foundation

/// `classes`: groups of students, who teaches them, which doors serve them.
struct ClassesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classes", abstract: "Add, list and remove classes; who teaches them, which devices serve them.",
                                                    subcommands: [Add.self, List.self, Remove.self, Teach.self, Serve.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a class.")
        @Argument(help: "Its name, like 10A.") var name: String
        @Option(name: .customLong("starts-at"), help: "When its day starts, HH:MM: a later mark is late.") var startsAt: String?
        @OptionGroup var place: OrganizationOptions

        func run() async throws {
            let created = try await place.run { stores, organizationId in
                try await Operations(stores: stores).addClass(named: name, startsAt: startsAt, in: organizationId, by: .commandLine)
            }
            print("\(created.id)\t\(created.name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List classes: id, name, start time, students, teachers, devices.")
        @OptionGroup var place: OrganizationOptions

        func run() async throws {
            for c in try await place.run({ stores, organizationId in try await stores.classes.classes(organizationId: organizationId) }) {
                print("\(c.id)\t\(c.name)\t\(c.startsAt ?? "-")\t\(c.studentIds.count) students\t\(c.teacherIds.count) teachers\t\(c.deviceIds.count) devices")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a class (its students stay enrolled).")
        @Argument(help: "The class's name.") var name: String
        @OptionGroup var place: OrganizationOptions

        func run() async throws {
            try await place.run { stores, organizationId in
                let id = try await classId(named: name, in: organizationId, stores: stores, creating: false)
                try await Operations(stores: stores).removeClass(id, by: .commandLine)
            }
            print("removed \(name)")
        }
    }

    struct Teach: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make people the teachers of a class (replacing its teachers).")
        @Argument(help: "The class's name.") var name: String
        @Argument(help: "The teachers' logins.") var logins: [String] = []
        @OptionGroup var place: OrganizationOptions

        func run() async throws {
            try await place.run { stores, organizationId in
                let id = try await classId(named: name, in: organizationId, stores: stores, creating: false)
                var userIds: [String] = []
                for login in logins { userIds.append(try await person(login, in: stores).id) }
                _ = try await Operations(stores: stores).changeClass(id, Operations.ClassChange(teacherIds: userIds), by: .commandLine)
            }
            print("\(name) is taught by \(logins.isEmpty ? "nobody" : logins.joined(separator: ", "))")
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a device serve classes (replacing its classes; none: the whole organization). Its roster follows.")
        @Argument(help: "The device id.") var device: String
        @Argument(help: "The classes' names.") var names: [String] = []
        @OptionGroup var place: OrganizationOptions

        func run() async throws {
            try await place.run { stores, organizationId in
                var ids: [String] = []
                for name in names { ids.append(try await classId(named: name, in: organizationId, stores: stores, creating: false)) }
                _ = try await Operations(stores: stores).changeDevice(DeviceKey(device, of: organizationId), Operations.DeviceChange(classIds: ids),
                                                                      by: .commandLine)
            }
            print("\(device) serves \(names.isEmpty ? "the whole organization" : names.joined(separator: ", "))")
        }
    }
}
