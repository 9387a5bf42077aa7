/// The query of `/api/ws`: who is connecting, and what they can do.
public struct ConnectionParameters: Sendable, Equatable {
    public var deviceId: String
    public var organizationId: String
    public var isHardware: Bool
    /// Our extension: the device wants `ack` messages for attendance with an eventId.
    public var acknowledgements: Bool

    public init(deviceId: String, organizationId: String, isHardware: Bool, acknowledgements: Bool = false) {
        self.deviceId = deviceId
        self.organizationId = organizationId
        self.isHardware = isHardware
        self.acknowledgements = acknowledgements
    }

    /// The header in which a device presents its secret (never in the URL, which servers log).
    public static let secretHeader = "X-StreakTrack-Device-Secret"

    /// The query string a device connects with; `ack=1` is invisible to an old backend.
    public var query: String {
        var query = "deviceId=\(Self.escape(deviceId))&organizationId=\(Self.escape(organizationId))&isHardware=\(isHardware)"
        if acknowledgements { query += "&ack=1" }
        return query
    }

    /// The original backend's checks, in its order, with its messages and close codes.
    public enum Rejection: Error, Equatable, Sendable {
        case missingDeviceId, missingOrganizationId, invalidParameters
        /// Ours: an id too long or holding control characters (it would reach logs and the database).
        case invalidId(String)

        public var message: String {
            switch self {
            case .missingDeviceId: "Missing deviceId"
            case .missingOrganizationId: "Missing organizationId"
            case .invalidParameters: "Invalid connection parameters"
            case .invalidId(let problem): "Invalid connection parameters: \(problem)"
            }
        }

        /// 1003 (unsupported data) for missing ids, 1002 (protocol error) for a bad isHardware,
        /// 1008 (policy violation) for ids outside our limits.
        public var closeCode: UInt16 {
            switch self {
            case .missingDeviceId, .missingOrganizationId: 1003
            case .invalidParameters: 1002
            case .invalidId: 1008
            }
        }
    }

    public static func parse(_ query: [String: String]) -> Result<ConnectionParameters, Rejection> {
        guard let deviceId = query["deviceId"], !deviceId.isEmpty else { return .failure(.missingDeviceId) }
        guard let organizationId = query["organizationId"], !organizationId.isEmpty else { return .failure(.missingOrganizationId) }
        for (rule, value) in [(FieldRule.deviceId, deviceId), (.organizationId, organizationId)] {
            if let problem = rule.problem(value) { return .failure(.invalidId(problem)) }
        }
        let isHardware: Bool
        switch query["isHardware"] {
        case "true": isHardware = true
        case "false": isHardware = false
        default: return .failure(.invalidParameters)
        }
        return .success(ConnectionParameters(deviceId: deviceId, organizationId: organizationId, isHardware: isHardware,
                                             acknowledgements: query["ack"] == "1"))
    }

    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

import Foundation
