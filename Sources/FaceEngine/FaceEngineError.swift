import CFaceEngine

/// Why the face engine could not do what was asked; the message is meant for people.
public struct FaceEngineError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case notAnImage, corruptImage, imageTooLarge, model, invalidArgument, internalFailure, unreadableFile
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    init(status: Int32, error: stfe_error) {
        let kind: Kind = switch stfe_status(rawValue: UInt32(status)) {
        case STFE_ERR_NOT_AN_IMAGE: .notAnImage
        case STFE_ERR_CORRUPT: .corruptImage
        case STFE_ERR_TOO_LARGE: .imageTooLarge
        case STFE_ERR_MODEL: .model
        case STFE_ERR_ARGUMENT: .invalidArgument
        default: .internalFailure
        }
        var error = error
        let message = withUnsafeBytes(of: &error.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        self.init(kind, message.isEmpty ? "face engine failure \(status)" : message)
    }
}

/// Calls a C function of the bridge and throws its error, if any.
func bridged(_ call: (UnsafeMutablePointer<stfe_error>) -> Int32) throws(FaceEngineError) {
    var error = stfe_error()
    let status = call(&error)
    if status != STFE_OK.rawValue { throw FaceEngineError(status: status, error: error) }
}
