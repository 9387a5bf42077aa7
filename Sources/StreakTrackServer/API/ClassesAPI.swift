import BackendStore
import Hummingbird

/// Classes, who is in them, who teaches them, which doors serve them; and the
/// school calendar (weekdays and holidays) their attendance is counted against.
struct ClassesAPI: APIRoutes {
    let services: ServerServices
    let broadcaster: RosterBroadcaster

    func register(on api: RouterGroup<ServerRequestContext>) {
        api.get("classes") { request, context in
            let organizationId = try await organization(request, context, needs: nil)
            let all = try await stores.classes.classes(organizationId: organizationId)
            let visible = try await services.visibleClassIds(try context.requirePrincipal())
            return try JSONResponse.make(all.filter { visible?.contains($0.id) ?? true })
        }
        api.post("classes") { request, context in
            struct Body: Decodable { let name: String; let startsAt: String?; let organizationId: String? }
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            let created = try await stores.classes.add(organizationId: organizationId, name: body.name, startsAt: body.startsAt)
            await services.audit(principal, organizationId: organizationId, "class.add", target: created.id, detail: created.name)
            return try JSONResponse.make(created, status: .created)
        }
        // Any of: name, startsAt (null clears it), studentIds, teacherIds, deviceIds (each replaces the list).
        api.patch("classes/:id") { request, context in
            struct Body: Decodable {
                let name: String?
                /// Absent: unchanged; null: no start time.
                let startsAt: String??
                let studentIds: [String]?
                let teacherIds: [String]?
                let deviceIds: [String]?

                enum CodingKeys: String, CodingKey { case name, startsAt, studentIds, teacherIds, deviceIds }

                init(from decoder: any Decoder) throws {
                    let container = try decoder.container(keyedBy: CodingKeys.self)
                    name = try container.decodeIfPresent(String.self, forKey: .name)
                    startsAt = container.contains(.startsAt) ? .some(try container.decodeIfPresent(String.self, forKey: .startsAt)) : .none
                    studentIds = try container.decodeIfPresent([String].self, forKey: .studentIds)
                    teacherIds = try container.decodeIfPresent([String].self, forKey: .teacherIds)
                    deviceIds = try container.decodeIfPresent([String].self, forKey: .deviceIds)
                }
            }
            let principal = try context.requirePrincipal()
            let existing = try await services.requireClass(try context.parameters.require("id"), for: principal)
            try principal.require(.roster, in: existing.organizationId)
            let body = try await body(Body.self, of: request, limit: 1 << 20)
            try await stores.classes.update(existing.id, name: body.name, startsAt: body.startsAt)
            if let ids = body.studentIds { try await stores.classes.setStudents(ids, of: existing.id) }
            if let ids = body.teacherIds { try await stores.classes.setTeachers(ids, of: existing.id) }
            if let ids = body.deviceIds { try await stores.classes.setDevices(ids, of: existing.id) }
            let changed = [body.name.map { _ in "name" }, body.startsAt.map { _ in "start time" }, body.studentIds.map { "\($0.count) students" },
                           body.teacherIds.map { "\($0.count) teachers" }, body.deviceIds.map { "\($0.count) devices" }].compactMap { $0 }
            await services.audit(principal, organizationId: existing.organizationId, "class.change", target: existing.id,
                                 detail: changed.joined(separator: ", "))
            await broadcaster.pushChanges(organizationId: existing.organizationId)
            return try JSONResponse.make(try await stores.classes.schoolClass(existing.id)!)
        }
        api.delete("classes/:id") { _, context in
            let principal = try context.requirePrincipal()
            let existing = try await services.requireClass(try context.parameters.require("id"), for: principal)
            try principal.require(.roster, in: existing.organizationId)
            try await stores.classes.remove(existing.id)
            await services.audit(principal, organizationId: existing.organizationId, "class.remove", target: existing.id, detail: existing.name)
            await broadcaster.pushChanges(organizationId: existing.organizationId)
            return Response(status: .noContent)
        }

        api.get("calendar") { request, context in
            struct CalendarJSON: Encodable { let weekdays: [Int]; let holidays: [String: String] }
            let organizationId = try await organization(request, context, needs: nil)
            let calendar = try await stores.calendars.calendar(organizationId: organizationId)
            return try JSONResponse.make(CalendarJSON(weekdays: calendar.weekdays.sorted(), holidays: calendar.holidays))
        }
        api.put("calendar/weekdays") { request, context in
            struct Body: Decodable { let weekdays: [Int]; let organizationId: String? }
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            try await stores.calendars.setWeekdays(Set(body.weekdays), organizationId: organizationId)
            await services.audit(principal, organizationId: organizationId, "calendar.weekdays", target: organizationId,
                                 detail: body.weekdays.sorted().map(String.init).joined(separator: ","))
            return Response(status: .noContent)
        }
        api.put("calendar/holidays/:day") { request, context in
            struct Body: Decodable { let name: String; let organizationId: String? }
            let principal = try context.requirePrincipal()
            let day = try context.parameters.require("day")
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            try await stores.calendars.addHoliday(day, name: body.name, organizationId: organizationId)
            await services.audit(principal, organizationId: organizationId, "calendar.holiday", target: day, detail: body.name)
            return Response(status: .noContent)
        }
        api.delete("calendar/holidays/:day") { request, context in
            let organizationId = try await organization(request, context, needs: .roster)
            let day = try context.parameters.require("day")
            try await stores.calendars.removeHoliday(day, organizationId: organizationId)
            await services.audit(try context.requirePrincipal(), organizationId: organizationId, "calendar.holiday-removed", target: day)
            return Response(status: .noContent)
        }
    }
}
