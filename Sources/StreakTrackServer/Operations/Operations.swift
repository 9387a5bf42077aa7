import BackendStore

/// Every change anyone asks for — the REST API and the dashboard, the command line,
/// a bulk enrolment — is one function of this type. Each checks the principal
/// against the organization of the thing acted on (never one the request names),
/// makes the change and writes its audit entry in one transaction, then announces
/// what devices must hear. Front ends parse, call this, and render what it decided.
public struct Operations: Sendable {
    public let stores: BackendStores
    /// Tells an organization's connected devices of a roster change at once (the
    /// server's broadcaster). The command line's changes reach a running server by its
    /// poll, or at once by PostgreSQL's notification.
    let announce: @Sendable (_ organizationId: String) async -> Void

    public init(stores: BackendStores, announce: @escaping @Sendable (_ organizationId: String) async -> Void = { _ in }) {
        self.stores = stores
        self.announce = announce
    }

    /// `change` and its audit entry (with the request's client, when there is one),
    /// committed together or not at all: whatever `change` does through any store
    /// joins the transaction (`AmbientTransaction`). `announcing`: the change may alter
    /// what the organization's devices recognise, so they are told once it is committed.
    func committed<T: Sendable>(_ principal: Principal, in organizationId: String, _ action: AuditAction, announcing: Bool = false,
                                target: @escaping @Sendable (T) -> String, detail: @escaping @Sendable (T) -> String = { _ in "" },
                                _ change: @escaping @Sendable () async throws -> T) async throws -> T {
        let result = try await stores.database.transaction { _ in
            let result = try await change()
            try await record(action, by: principal, in: organizationId, target: target(result), detail: detail(result))
            return result
        }
        if announcing { await announce(organizationId) }
        return result
    }

    /// One audit entry, with the request's client; inside the caller's transaction.
    func record(_ action: AuditAction, by principal: Principal, in organizationId: String, target: String, detail: String = "") async throws {
        try await stores.audit.record(organizationId: organizationId, actor: principal.actor, action: action, target: target, detail: detail,
                                      address: RequestClient.address)
    }
}
