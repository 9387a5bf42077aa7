import BackendStore
import Foundation
import StreakTrackProtocol

/// Bulk enrolments prepared through the API: files uploaded one by one, then
/// checked (a dry run) and run in the background, their progress read by polling.
/// Kept in memory for an hour; their files in a private temporary folder.
actor EnrolmentJobs {
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

    func add(_ name: String, bytes: [UInt8], to id: String) throws {
        let job = try job(id)
        guard job.state == .receiving || job.state == .checked else { throw APIError(.conflict, "this enrolment is \(job.state.rawValue)") }
        try job.files.add(name, bytes: bytes)
        job.state = .receiving
    }

    /// Starts checking (`dryRun`) or running; the outcome is read with `status`.
    func start(_ id: String, dryRun: Bool, bulk: BulkEnrolment, actor: String) throws {
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
                let outcomes = try await bulk.run(rows, organizationId: job.organizationId, dryRun: dryRun, actor: actor,
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
