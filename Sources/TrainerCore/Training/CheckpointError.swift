/// A checkpoint.json that cannot be used: malformed, from another format, or not matching the run.
public struct CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the field.
    public var reason: String

    /// Creates an error.
    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
