import BackendStore
import Foundation
import NIOCore
import StreakTrackProtocol

/// Bulk enrolments prepared through the API: files uploaded one by one, then
/// checked (a dry run) and run in the background, their progress read by polling.
/// Kept in memory for an hour; their files in a private temporary folder. The
/// actor only keeps the books: files are received and expanded outside it, so a
/// slow or huge upload never holds up another school's enrolments.
actor EnrolmentJobs {
    /// Uploads at once, per person and per organization; and what an organization's
    /// enrolments may hold on disk together.
    struct Limits: Sendable {
        var uploadsPerPerson = 2
        var uploadsPerOrganization = 4
        var bytesPerOrganization = 1 << 30
    }

    let limits: Limits
    private var uploading: (byPerson: [String: Int], byOrganization: [String: Int]) = ([:], [:])

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    enum State: String, Encodable {
        case receiving, checking, checked, running, done, failed
    }

    struct Status: Encodable {
        let id: String
        let state: State
        let done: Int
        let total: Int
        let files: Int
        let outcomes: [BulkEnrolment.Outcome]
        let error: String?
    }

    final class Job: @unchecked Sendable {
        // Touched only inside the actor.
        let id = ObjectID.make()
        let organizationId: String
        let csv: String?
        let files: EnrolmentFiles
        let created = Date()
        var state = State.receiving
        var done = 0, total = 0
        var outcomes: [BulkEnrolment.Outcome] = []
        var error: String?

        init(organizationId: String, csv: String?) throws {
            self.organizationId = organizationId
            self.csv = csv
            files = try EnrolmentFiles()
        }
    }

    private var jobs: [String: Job] = [:]
    private static let lifetime: TimeInterval = 3600

    func create(organizationId: String, csv: String?) throws -> String {
        jobs = jobs.filter { Date().timeIntervalSince($0.value.created) < Self.lifetime }
        let job = try Job(organizationId: organizationId, csv: csv)
        jobs[job.id] = job
        return job.id
    }

    func organization(of id: String) throws -> String {
        try job(id).organizationId
    }

    /// Receives one file into an enrolment, streamed to disk; `person` is who sends it
    /// (their uploads at once are limited, as their organization's are).
    nonisolated func receive<Body: AsyncSequence & Sendable>(_ name: String, body: Body, into id: String, from person: String) async throws
    where Body.Element == ByteBuffer {
        let files = try await beginUpload(id, person: person)
        do {
            try await files.receive(name, body: body)
        } catch {
            await endUpload(id, person: person)
            throw error
        }
        await endUpload(id, person: person)
    }

    private func beginUpload(_ id: String, person: String) throws -> EnrolmentFiles {
        let job = try job(id)
        guard job.state == .receiving || job.state == .checked else { throw APIError(.conflict, "this enrolment is \(job.state.rawValue)") }
        let organization = job.organizationId
        guard uploading.byPerson[person, default: 0] < limits.uploadsPerPerson,
              uploading.byOrganization[organization, default: 0] < limits.uploadsPerOrganization
        else { throw APIError(.tooManyRequests, "too many uploads at once: wait for the others to finish") }
        let held = jobs.values.filter { $0.organizationId == organization }.reduce(0) { $0 + $1.files.heldBytes }
        guard held < limits.bytesPerOrganization else {
            throw APIError(.contentTooLarge, "this school's enrolments hold \(held >> 20) MB already: run or finish them first")
        }
        uploading.byPerson[person, default: 0] += 1
        uploading.byOrganization[organization, default: 0] += 1
        job.state = .receiving
        return job.files
    }

    private func endUpload(_ id: String, person: String) {
        uploading.byPerson[person, default: 1] -= 1
        if uploading.byPerson[person] == 0 { uploading.byPerson[person] = nil }
        guard let organization = jobs[id]?.organizationId else { return }
        uploading.byOrganization[organization, default: 1] -= 1
        if uploading.byOrganization[organization] == 0 { uploading.byOrganization[organization] = nil }
    }

    /// Starts checking (`dryRun`) or running; the outcome is read with `status`.
    func start(_ id: String, dryRun: Bool, bulk: BulkEnrolment, by principal: Principal) throws {
        let job = try job(id)
        guard job.state == .receiving || job.state == .checked || job.state == .failed else {
            throw APIError(.conflict, "this enrolment is \(job.state.rawValue)")
        }
        let rows: [BulkEnrolment.Row]
        do {
            rows = try job.csv.map(BulkEnrolment.rows(csv:)) ?? BulkEnrolment.rows(folder: job.files.names)
        } catch let error as BulkEnrolmentError {
            throw APIError(.badRequest, error.description)
        }
        job.state = dryRun ? .checking : .running
        job.done = 0
        job.total = rows.count
        job.error = nil
        let files = job.files
        Task {
            do {
                let outcomes = try await bulk.run(rows, organizationId: job.organizationId, dryRun: dryRun, by: principal,
                                                  photo: { files.bytes($0) },
                                                  progress: { done, total in await self.progress(id, done: done, total: total) })
                self.finish(id, outcomes: outcomes, state: dryRun ? .checked : .done)
            } catch {
                self.fail(id, "\(error)")
            }
        }
    }

    func status(_ id: String) throws -> Status {
        let job = try job(id)
        return Status(id: id, state: job.state, done: job.done, total: job.total, files: job.files.names.count, outcomes: job.outcomes,
                      error: job.error)
    }

    private func progress(_ id: String, done: Int, total: Int) {
        jobs[id]?.done = done
        jobs[id]?.total = total
    }

    private func finish(_ id: String, outcomes: [BulkEnrolment.Outcome], state: State) {
        jobs[id]?.outcomes = outcomes
        jobs[id]?.state = state
    }

    private func fail(_ id: String, _ error: String) {
        jobs[id]?.error = error
        jobs[id]?.state = .failed
    }

    private func job(_ id: String) throws -> Job {
        guard let job = jobs[id] else { throw APIError(.notFound, "no enrolment \(id) (they last an hour)") }
        return job
    }
}
