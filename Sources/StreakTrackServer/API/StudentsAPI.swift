import BackendStore
import FaceEngine
import Foundation
import Hummingbird
import StreakTrackProtocol

/// Students and their photos. Every photo is checked by the face engine before
/// it is kept (one face, large, sharp and lit enough); a face that looks like
/// another student's is reported, so a person can check the pair.
struct StudentsAPI: APIRoutes {
    let services: ServerServices

    struct StudentJSON: Encodable {
        let _id: String
        let name: String
        let enrollmentNo: String
        let enrolledOn: String?
        let images: [String]
        let faces: [String]
        let photoIds: [String]
        let classIds: [String]
    }

    struct Page: Encodable {
        let total: Int
        let offset: Int
        let limit: Int
        let students: [StudentJSON]
    }

    func register(on api: RouterGroup<ServerRequestContext>) {
        // One page, by name; `q` searches names and enrolment numbers, `classId` filters.
        api.get("students") { request, context in
            let principal = try context.requirePrincipal()
            let organizationId = try await organization(request, context, needs: nil)
            let visible = try await operations.visibleClassIds(principal)
            let classId = request.query("classId")
            if let classId { _ = try await operations.requireClass(classId, for: principal) }
            let offset = max(0, request.query("offset").flatMap { Int($0) } ?? 0)
            let limit = min(1000, max(1, request.query("limit").flatMap { Int($0) } ?? 1000))
            if visible != nil && classId == nil && visible!.isEmpty { return try JSONResponse.make(Page(total: 0, offset: offset, limit: limit, students: [])) }
            let (total, students) = try await stores.roster.students(organizationId: organizationId, search: request.query("q"),
                                                                     classIds: classId.map { [$0] } ?? visible.map(Array.init),
                                                                     offset: offset, limit: limit)
            let classes = try await stores.classes.classIds(ofStudents: organizationId)
            return try JSONResponse.make(Page(total: total, offset: offset, limit: limit,
                                              students: students.map { json($0, classIds: classes[$0.id] ?? []) }))
        }
        api.post("students") { request, context in
            struct Body: Decodable { let organizationId: String?; let name: String; let enrollmentNo: String; let photos: [String]?; let classIds: [String]? }
            struct Created: Encodable { let student: StudentJSON; let photos: [Enrolment.Verdict] }
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request, limit: services.configuration.maxRequestBytes)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            let uploads = try (body.photos ?? []).enumerated().map { try decode($0.element, position: $0.offset + 1) }
            // The classes before the face engine's checks, which take seconds.
            try await operations.requireClasses(body.classIds ?? [], of: organizationId)
            let (photos, verdicts) = try await services.enrolment.checked(uploads, organizationId: organizationId)
            let student = try await operations.enrol(body.name, enrollmentNo: body.enrollmentNo, photos: photos, classIds: body.classIds ?? [],
                                                     in: organizationId, by: principal, note: Enrolment.lookAlikeNote(verdicts))
            return try JSONResponse.make(Created(student: json(student, classIds: body.classIds ?? []), photos: verdicts), status: .created)
        }
        api.get("students/:id") { _, context in
            let principal = try context.requirePrincipal()
            let student = try await operations.requireStudent(try context.parameters.require("id"), for: principal)
            let classes = try await stores.classes.classIds(ofStudents: student.organizationId)
            return try JSONResponse.make(json(student, classIds: classes[student.id] ?? []))
        }
        api.delete("students/:id") { _, context in
            try await operations.removeStudent(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        api.post("students/:id/photos") { request, context in
            struct Body: Decodable { let photo: String }
            struct Added: Encodable { let id: String; let url: String; let face: String; let verdict: Enrolment.Verdict }
            let principal = try context.requirePrincipal()
            let student = try await operations.requireStudent(try context.parameters.require("id"), for: principal)
            try principal.require(.roster, in: student.organizationId)
            let body = try await body(Body.self, of: request, limit: services.configuration.maxRequestBytes)
            let (photos, verdicts) = try await services.enrolment.checked([try decode(body.photo, position: 1)], organizationId: student.organizationId,
                                                                         besides: student.id)
            let photoIds = try await operations.addPhotos(photos, to: student, by: principal,
                                                          detail: "for \(student.name)" + Enrolment.lookAlikeNote(verdicts))
            guard let photoId = photoIds.first, let verdict = verdicts.first else { throw APIError(.badRequest, "no photo") }
            return try JSONResponse.make(Added(id: photoId, url: services.photoURL(photoId, for: .dashboard),
                                               face: services.photoURL(photoId, for: .dashboard, face: true), verdict: verdict),
                                         status: .created)
        }
        api.delete("photos/:id") { _, context in
            try await operations.removePhoto(try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        // The verdict on a photo before it is kept (the enrolment form shows it at once).
        api.post("photos/check") { request, context in
            struct Body: Decodable { let photo: String; let organizationId: String?; let studentId: String? }
            let body = try await body(Body.self, of: request, limit: services.configuration.maxRequestBytes)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            let (verdict, _) = try await services.enrolment.verdict(on: try decode(body.photo, position: 1), organizationId: organizationId,
                                                                   besides: body.studentId)
            return try JSONResponse.make(verdict)
        }
    }

    private func decode(_ base64: String, position: Int) throws -> PhotoUpload {
        try PhotoUploads.decode(base64, position: position, maxBytes: services.configuration.maxPhotoBytes)
    }

    func json(_ student: Student, classIds: [String]) -> StudentJSON {
        StudentJSON(_id: student.id, name: student.name, enrollmentNo: student.enrollmentNo, enrolledOn: student.enrolledOn,
                    images: student.photoIds.map { services.photoURL($0, for: .dashboard) },
                    faces: student.photoIds.map { services.photoURL($0, for: .dashboard, face: true) },
                    photoIds: student.photoIds, classIds: classIds)
    }
}

/// Photos as the API receives them: base64 of a JPEG or PNG, checked before anything else.
enum PhotoUploads {
    static func decode(_ base64: String, position: Int, maxBytes: Int) throws -> PhotoUpload {
        guard let bytes = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw APIError(.badRequest, "photo \(position) is not base64")
        }
        do {
            return try PhotoUpload(bytes: Array(bytes), maxBytes: maxBytes)
        } catch let error as StoreError {
            throw APIError(.badRequest, "photo \(position): \(error.description)")
        }
    }
}
