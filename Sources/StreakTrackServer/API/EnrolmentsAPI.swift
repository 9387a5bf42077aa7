import Foundation
import BackendStore
import Hummingbird

/// Bulk enrolment through the API (the dashboard's upload): start one with a CSV
/// or none (a face_recognition-style folder), upload its files (photos, or a ZIP),
/// check it (a dry run listing every row's outcome), run it, and poll its progress.
struct EnrolmentsAPI: APIRoutes {
    let services: ServerServices
    let jobs: EnrolmentJobs

    func register(on api: RouterGroup<ServerRequestContext>) {
        api.post("enrolments") { request, context in
            struct Body: Decodable { let organizationId: String?; let csv: String? }
            let body = try await body(Body.self, of: request, limit: 8 << 20)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            return try JSONResponse.make(["id": try await jobs.create(organizationId: organizationId, csv: body.csv)], status: .created)
        }
        api.put("enrolments/:id/files/**") { request, context in
            let id = try await permitted(context)
            // Each part as the client meant it (a %2F stays inside its part, where `..` is then refused).
            let name = context.parameters.getCatchAll().map { String($0).removingPercentEncoding ?? String($0) }.joined(separator: "/")
            let person = try context.requirePrincipal().actor
            do {
                // Straight to disk as it arrives: four 190 MB uploads at once cost no memory to speak of.
                try await withTimeLimitOr408(services.configuration.limits.bodyTimeout) {
                    try await jobs.receive(name, body: request.body, into: id, from: person)
                }
            } catch let error as BulkEnrolmentError {
                // The rest of a refused body is not read: the connection closes instead.
                var response = JSONResponse.error(error.description, status: error.tooLarge ? .contentTooLarge : .badRequest)
                response.headers[.connection] = "close"
                return response
            }
            return Response(status: .noContent)
        }
        api.post("enrolments/:id/check") { _, context in
            try await start(context, dryRun: true)
        }
        api.post("enrolments/:id/run") { _, context in
            try await start(context, dryRun: false)
        }
        api.get("enrolments/:id") { _, context in
            try JSONResponse.make(try await jobs.status(try await permitted(context)))
        }
    }

    private func start(_ context: ServerRequestContext, dryRun: Bool) async throws -> Response {
        let id = try await permitted(context)
        let principal = try context.requirePrincipal()
        // Devices hear of the students as they are enrolled: each one is announced by its operation.
        try await jobs.start(id, dryRun: dryRun, bulk: BulkEnrolment(enrolment: services.enrolment, operations: operations), by: principal)
        return try JSONResponse.make(try await jobs.status(id), status: .accepted)
    }

    /// The job's id, once the principal may enrol in its organization.
    private func permitted(_ context: ServerRequestContext) async throws -> String {
        let id = try context.parameters.require("id")
        try context.requirePrincipal().require(.roster, in: try await jobs.organization(of: id))
        return id
    }
}
