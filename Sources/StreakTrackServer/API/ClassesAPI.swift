import BackendStore
import Hummingbird

/// Classes, who is in them, who teaches them, which doors serve them; and the
/// school calendar (weekdays and holidays) their attendance is counted against.
struct ClassesAPI: APIRoutes {
    let services: ServerServices

    func register(on api: RouterGroup<ServerRequestContext>) {
        api.get("classes") { request, context in
            let organizationId = try await organization(request, context, needs: nil)
            let all = try await stores.classes.classes(organizationId: organizationId)
            let visible = try await operations.visibleClassIds(try context.requirePrincipal())
            return try JSONResponse.make(all.filter { visible?.contains($0.id) ?? true })
        }
        api.post("classes") { request, context in
            struct Body: Decodable { let name: String; let startsAt: String?; let organizationId: String? }
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            let created = try await operations.addClass(named: body.name, startsAt: body.startsAt, in: organizationId, by: principal)
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
            let body = try await body(Body.self, of: request, limit: 1 << 20)
            let change = Operations.ClassChange(name: body.name, startsAt: body.startsAt, studentIds: body.studentIds,
                                                teacherIds: body.teacherIds, deviceIds: body.deviceIds)
            return try JSONResponse.make(try await operations.changeClass(try context.parameters.require("id"), change, by: principal))
        }
        api.delete("classes/:id") { _, context in
            try await operations.removeClass(try context.parameters.require("id"), by: try context.requirePrincipal())
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
            try await operations.setWeekdays(Set(body.weekdays), in: organizationId, by: principal)
            return Response(status: .noContent)
        }
        api.put("calendar/holidays/:day") { request, context in
            struct Body: Decodable { let name: String; let organizationId: String? }
            let principal = try context.requirePrincipal()
            let day = try context.parameters.require("day")
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            try await operations.addHoliday(day, named: body.name, in: organizationId, by: principal)
            return Response(status: .noContent)
        }
        api.delete("calendar/holidays/:day") { request, context in
            let organizationId = try await organization(request, context, needs: .roster)
            try await operations.removeHoliday(try context.parameters.require("day"), in: organizationId, by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
    }
}
