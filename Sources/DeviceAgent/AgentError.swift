/// A failure of the agent's own, with the message a person should read.
public struct AgentError: Error, CustomStringConvertible, Sendable, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
