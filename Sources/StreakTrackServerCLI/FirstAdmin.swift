import BackendStore

/// The first administrator of a fresh store: a person without a password yet,
/// and a one-time link, printed at start, to choose their login and password.
enum FirstAdmin {
    /// A new set-up code while the first organization has no administrator with a
    /// password; nil once one exists.
    static func setupCode(_ stores: BackendStores) async throws -> String? {
        guard let organization = try await stores.roster.organizations().first else { return nil }
        let admins = try await stores.users.admins(organizationId: organization.id)
        guard !admins.contains(where: \.active) else { return nil }
        let pending = if let first = admins.first { first } else {
            try await stores.users.add(organizationId: organization.id, login: "admin", name: "Administrator", role: .admin)
        }
        return try await stores.users.issueLink(userId: pending.id, purpose: .setup)
    }
}
