import SQLStorage

// What the backend keeps, as the stores hand it out.

public struct Organization: Sendable, Equatable, Codable {
    public let id: String
    public let name: String
}

public struct Student: Sendable, Equatable, Codable {
    public let id: String
    public let organizationId: String
    public let name: String
    public let enrollmentNo: String
    public let photoIds: [String]
}

public struct Photo: Sendable, Equatable {
    public let id: String
    public let studentId: String
    public let contentType: String
    public let sha256: String
    public let bytes: [UInt8]
}

public struct Device: Sendable, Equatable, Codable {
    public let id: String
    public let organizationId: String
    public let name: String
    public let online: Bool
    public let lastSeen: String?
    public let hasSecret: Bool
    /// Admitted without a secret even when device authentication is on (an original device).
    public let admitWithoutSecret: Bool
}

public struct AttendanceRecord: Sendable, Equatable, Codable {
    public let studentId: String
    public let name: String
    public let enrollmentNo: String
    public let organizationId: String
    public let deviceId: String
    public let timestamp: String
    public let date: String
    public let status: String
    public let method: String
    public let receivedAt: String
}

public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case notFound, conflict, invalid }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
