import StreakTrackProtocol

/// A ready `config.json` for a newly registered device: the three keys the
/// original device reads, plus its secret.
public struct DeviceConfigFile: Encodable, Sendable {
    public let websiteURL: String
    public let deviceId: String
    public let organizationId: String
    public let deviceSecret: String

    enum CodingKeys: String, CodingKey {
        case websiteURL = "website_url", deviceId, organizationId, deviceSecret
    }

    /// `serverURL` is the server's base (`http://host:port` or `https://…`); the
    /// device's socket is on the same host and port.
    public init(serverURL: String, deviceId: String, organizationId: String, secret: String) {
        websiteURL = serverURL.hasPrefix("https://") ? "wss://" + serverURL.dropFirst(8)
                   : serverURL.hasPrefix("http://") ? "ws://" + serverURL.dropFirst(7) : serverURL
        self.deviceId = deviceId
        self.organizationId = organizationId
        deviceSecret = secret
    }

    /// Pretty JSON, keys in the order a person reads them.
    public var text: String {
        """
        {
          "website_url": \(JSONValue.string(websiteURL).text),
          "deviceId": \(JSONValue.string(deviceId).text),
          "organizationId": \(JSONValue.string(organizationId).text),
          "deviceSecret": \(JSONValue.string(deviceSecret).text)
        }
        """
    }
}
