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
    /// The day they were enrolled: days before it do not count against their attendance.
    public let enrolledOn: String?
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
    /// Admitted without a secret (an original device, which cannot send one).
    public let admitWithoutSecret: Bool
    public var room: String?
    /// The classes it serves (empty: every student of the organization).
    public var classIds: [String] = []
    /// False for an unregistered id connected while the server admits open devices: it has no row.
    public var registered = true
}

extension Device {
    /// A connected device the store does not know (the server admits open devices).
    public init(unregistered id: String, organizationId: String) {
        self.init(id: id, organizationId: organizationId, name: id, online: true, lastSeen: nil, hasSecret: false,
                  admitWithoutSecret: false, room: nil, classIds: [], registered: false)
    }
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
    /// Who marked it by hand (`method` manual), and why.
    public let markedBy: String?
    public let reason: String?

    public init(studentId: String, name: String, enrollmentNo: String, organizationId: String, deviceId: String, timestamp: String,
                date: String, status: String, method: String, receivedAt: String, markedBy: String? = nil, reason: String? = nil) {
        self.studentId = studentId
        self.name = name
        self.enrollmentNo = enrollmentNo
        self.organizationId = organizationId
        self.deviceId = deviceId
        self.timestamp = timestamp
        self.date = date
        self.status = status
        self.method = method
        self.receivedAt = receivedAt
        self.markedBy = markedBy
        self.reason = reason
    }
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
