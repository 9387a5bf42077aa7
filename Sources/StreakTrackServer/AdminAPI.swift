import BackendStore
import Foundation
import Hummingbird
import StreakTrackProtocol

/// The REST API behind the dashboard and scripts: organizations, devices,
/// students and photos, attendance and settings.
struct AdminAPI: Sendable {
    let services: ServerServices
    let broadcaster: RosterBroadcaster

    private var stores: BackendStores { services.stores }

    func register(on router: Router<ServerRequestContext>) {
        let api = router.group("api").add(middleware: AdminAuthentication(services: services))
        api.get("organizations") { _, _ in try JSONResponse.make(try await stores.roster.organizations()) }
        api.post("organizations") { request, _ in
            struct Body: Decodable { let name: String; let id: String? }
            let body = try await JSONResponse.decode(Body.self, from: request, limit: 64 << 10, timeout: bodyTimeout)
            let organization = try await stores.roster.addOrganization(name: body.name, id: body.id ?? ObjectID.make())
            return try JSONResponse.make(organization, status: .created)
        }

        api.get("devices") { request, _ in
            let organizationId = request.query("organizationId")
            var devices = try await stores.devices.devices(organizationId: organizationId)
            // Unregistered devices let in by --open-devices have no row: list them while connected.
            for (id, link) in await services.hub.allDevices() where !link.registered
                && (organizationId == nil || link.organizationId == organizationId?.lowercased()) {
                devices.append(Device(unregistered: id, organizationId: link.organizationId))
            }
            return try JSONResponse.make(devices)
        }
        api.post("devices") { request, _ in
            struct Body: Decodable { let deviceId: String; let organizationId: String; let name: String?; let admitWithoutSecret: Bool? }
            struct Created: Encodable { let device: Device; let secret: String; let config: DeviceConfigFile }
            let body = try await JSONResponse.decode(Body.self, from: request, limit: 64 << 10, timeout: bodyTimeout)
            guard try await stores.roster.organization(body.organizationId) != nil else {
                throw APIError(.notFound, "no organization \(body.organizationId)")
            }
            let secret = try await stores.devices.register(id: body.deviceId, organizationId: body.organizationId,
                                                           name: body.name ?? body.deviceId,
                                                           admitWithoutSecret: body.admitWithoutSecret ?? false)
            let config = DeviceConfigFile(serverURL: services.publicURL, deviceId: body.deviceId,
                                          organizationId: body.organizationId.lowercased(), secret: secret)
            return try JSONResponse.make(Created(device: try await stores.devices.device(body.deviceId)!, secret: secret, config: config),
                                         status: .created)
        }
        api.patch("devices/:id") { request, context in
            struct Body: Decodable { let admitWithoutSecret: Bool }
            let id = try context.parameters.require("id")
            let body = try await JSONResponse.decode(Body.self, from: request, limit: 64 << 10, timeout: bodyTimeout)
            try await stores.devices.setAdmitWithoutSecret(body.admitWithoutSecret, deviceId: id)
            return try JSONResponse.make(try await stores.devices.device(id)!)
        }
        api.delete("devices/:id") { _, context in
            try await stores.devices.remove(try context.parameters.require("id"))
            return Response(status: .noContent)
        }

        api.get("students") { request, _ in
            let organizationId = try request.requiredQuery("organizationId")
            return try JSONResponse.make(try await stores.roster.students(organizationId: organizationId).map(studentJSON))
        }
        api.post("students") { request, _ in
            struct Body: Decodable { let organizationId: String; let name: String; let enrollmentNo: String; let photos: [String]? }
            let body = try await JSONResponse.decode(Body.self, from: request, limit: services.configuration.maxRequestBytes, timeout: bodyTimeout)
            let photos = try (body.photos ?? []).enumerated().map { try photoUpload($0.element, position: $0.offset + 1) }
            let student = try await stores.roster.addStudent(organizationId: body.organizationId, name: body.name,
                                                             enrollmentNo: body.enrollmentNo, photos: photos)
            await broadcaster.pushChanges(organizationId: student.organizationId)
            return try JSONResponse.make(studentJSON(student), status: .created)
        }
        api.delete("students/:id") { _, context in
            let id = try context.parameters.require("id")
            let organizationId = try await stores.roster.student(id)?.organizationId
            try await stores.roster.removeStudent(id)
            await broadcaster.pushChanges(organizationId: organizationId)
            return Response(status: .noContent)
        }
        api.post("students/:id/photos") { request, context in
            struct Body: Decodable { let photo: String }
            let id = try context.parameters.require("id")
            let body = try await JSONResponse.decode(Body.self, from: request, limit: services.configuration.maxRequestBytes, timeout: bodyTimeout)
            let photoId = try await stores.roster.addPhoto(try photoUpload(body.photo, position: 1), studentId: id)
            let student = try await stores.roster.student(id)!
            await broadcaster.pushChanges(organizationId: student.organizationId)
            return try JSONResponse.make(["id": photoId, "url": services.photoURL(photoId, for: .dashboard)], status: .created)
        }
        api.delete("photos/:id") { _, context in
            let id = try context.parameters.require("id")
            let owner = try await stores.roster.photo(id)?.studentId
            try await stores.roster.removePhoto(id)
            let organizationId = if let owner { try await stores.roster.student(owner)?.organizationId } else { String?.none }
            await broadcaster.pushChanges(organizationId: organizationId)
            return Response(status: .noContent)
        }

        api.get("attendance") { request, _ in
            let (organizationId, from, to) = try attendanceQuery(request)
            return try JSONResponse.make(try await stores.attendance.records(organizationId: organizationId, from: from, to: to))
        }
        api.get("attendance.csv") { request, _ in
            let (organizationId, from, to) = try attendanceQuery(request)
            let records = try await stores.attendance.records(organizationId: organizationId, from: from, to: to)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"attendance-\(from)-to-\(to).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: AttendanceCSV.text(records))))
        }

        api.get("settings") { _, _ in
            try JSONResponse.make(["openDevices": services.configuration.openDevices])
        }
    }

    private var bodyTimeout: Duration { services.configuration.limits.bodyTimeout }

    /// A student as the roster shows them, with photo ids for managing photos.
    private struct StudentJSON: Encodable {
        let _id: String
        let name: String
        let enrollmentNo: String
        let images: [String]
        let photoIds: [String]
    }

    private func studentJSON(_ student: Student) -> StudentJSON {
        StudentJSON(_id: student.id, name: student.name, enrollmentNo: student.enrollmentNo,
                    images: student.photoIds.map { services.photoURL($0, for: .dashboard) }, photoIds: student.photoIds)
    }

    private func photoUpload(_ base64: String, position: Int) throws -> PhotoUpload {
        guard let bytes = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw APIError(.badRequest, "photo \(position) is not base64")
        }
        do {
            return try PhotoUpload(bytes: Array(bytes), maxBytes: services.configuration.maxPhotoBytes)
        } catch let error as StoreError {
            throw APIError(.badRequest, "photo \(position): \(error.description)")
        }
    }

    /// organizationId, and either date or from/to (default: today).
    private func attendanceQuery(_ request: Request) throws -> (String, String, String) {
        let organizationId = try request.requiredQuery("organizationId")
        let today = AttendanceTimestamp.day(of: Date())
        let from = request.query("from") ?? request.query("date") ?? today
        let to = request.query("to") ?? request.query("date") ?? from
        for day in [from, to] where AttendanceTimestamp.validDay(day) == nil {
            throw APIError(.badRequest, "\(day) is not a date (YYYY-MM-DD)")
        }
        return (organizationId, from, to)
    }
}
