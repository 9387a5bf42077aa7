import Foundation

/// Our backend's roster photo links carry their own permission:
/// `…/photos/ID?for=door-1&expires=1764600000&signature=…`. The signature and the
/// expiry change whenever a link is made again; the photo does not. A device keys
/// what it downloaded on `identity`, so a re-signed link is not a new photo.
public enum PhotoLink {
    public static let audienceParameter = "for"
    public static let expiryParameter = "expires"
    public static let signatureParameter = "signature"

    /// The link without its expiry and signature: the same for every signing of
    /// one photo. Any other link (a CDN's) is its own identity.
    public static func identity(of link: String) -> String {
        guard var parts = URLComponents(string: link), let items = parts.queryItems,
              items.contains(where: { $0.name == signatureParameter })
        else { return link }
        let kept = items.filter { $0.name != expiryParameter && $0.name != signatureParameter }
        parts.queryItems = kept.isEmpty ? nil : kept
        return parts.string ?? link
    }
}
