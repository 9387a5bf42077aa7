/// Who changed what, and when: every change made through the API, the
/// dashboard or the command line leaves a line here, which admins read.
public struct AuditLog: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) {
        self.database = database
    }

    public struct Entry: Sendable, Equatable, Codable {
        public let id: Int64
        public let at: String
        /// `user:<login>`, `admin token`, or `command line`.
        public let actor: String
        /// What was done, as `subject.verb`: `student.add`, `attendance.correct`, ...
        public let action: String
        /// The id of what it was done to.
        public let target: String
        public let detail: String
        /// The client's address, for a change asked for over the network.
        public let address: String?
    }

    public func record(organizationId: String?, actor: String, action: String, target: String, detail: String = "",
                       address: String? = nil) async throws {
        try await database.query(
            "INSERT INTO audit_log (organization_id, at, actor, action, target, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?)",
            SQLValue(organizationId?.lowercased()), .text(Clock.now()), .text(actor), .text(action), .text(target), .text(detail),
            SQLValue(address))
    }

    /// The newest entries first, `limit` of them, before entry `before` when given (paging back).
    public func entries(organizationId: String, before: Int64? = nil, limit: Int = 100) async throws -> [Entry] {
        try await database.query(
            """
            SELECT * FROM audit_log WHERE organization_id = ? AND id < ? ORDER BY id DESC LIMIT ?
            """, .text(organizationId.lowercased()), .integer(before ?? Int64.max), .integer(Int64(limit))
        ).map {
            Entry(id: $0.integer("id")!, at: $0.text("at")!, actor: $0.text("actor")!, action: $0.text("action")!,
                  target: $0.text("target")!, detail: $0.text("detail")!, address: $0.text("address"))
        }
    }
}
