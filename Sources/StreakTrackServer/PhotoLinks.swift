import BackendStore
import Crypto
import Foundation
import StreakTrackProtocol

/// Makes and checks photo links that are their own permission: a photo id, who
/// the link was given to, and when it expires, signed with the store's key. A
/// device's link is good for one sync; nobody without one (or the admin token)
/// gets a child's photo.
struct PhotoLinks: Sendable {
    /// Who a link was made for: a device by id, or a signed-in dashboard.
    enum Audience: Sendable, Equatable {
        case device(String)
        case dashboard

        var text: String {
            switch self {
            case .device(let id): id
            case .dashboard: "dashboard"
            }
        }
    }

    enum Verdict: Equatable {
        case valid
        case expired
        case unsigned
        case forged
    }

    private let key: [UInt8]
    let lifetime: Duration

    init(key: [UInt8], lifetime: Duration) {
        self.key = key
        self.lifetime = lifetime
    }

    /// `base/photos/ID?for=…&expires=…&signature=…`. The expiry is rounded up to the
    /// hour, so links made within one hour are identical (caches and logs stay quiet).
    /// `face`: the link to the face alone (a small crop for lists), under the same signature.
    func url(base: String, photoId: String, for audience: Audience, face: Bool = false, now: Date = Date()) -> String {
        let hour = 3600
        let expires = (Int(now.timeIntervalSince1970) + Int(lifetime.components.seconds) + hour - 1) / hour * hour
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: PhotoLink.audienceParameter, value: audience.text),
                            URLQueryItem(name: PhotoLink.expiryParameter, value: String(expires)),
                            URLQueryItem(name: PhotoLink.signatureParameter,
                                         value: signature(photoId: photoId, audience: audience.text, expires: expires))]
        return "\(base)/photos/\(photoId)\(face ? "/face" : "")?\(query.percentEncodedQuery ?? "")"
    }

    func check(photoId: String, query: [String: String], now: Date = Date()) -> Verdict {
        guard let audience = query[PhotoLink.audienceParameter], let expiryText = query[PhotoLink.expiryParameter],
              let given = query[PhotoLink.signatureParameter]
        else { return .unsigned }
        guard let expires = Int(expiryText),
              Secrets.equal(given, signature(photoId: photoId, audience: audience, expires: expires))
        else { return .forged }
        return expires >= Int(now.timeIntervalSince1970) ? .valid : .expired
    }

    private func signature(photoId: String, audience: String, expires: Int) -> String {
        let message = Data("\(photoId)\n\(audience)\n\(expires)".utf8)
        return HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)).prefix(16).hexadecimal
    }
}
