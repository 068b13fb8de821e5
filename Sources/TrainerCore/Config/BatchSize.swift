/// Rows per mini-batch. In JSON: a positive integer, or the string `"full"`.
public enum BatchSize: Equatable, Sendable {
    /// The whole training split in one batch (full-batch gradient descent).
    case full
    /// This many rows per batch (the last batch of an epoch may be smaller).
    case size(Int)

    /// The JSON form used in resolved configs.
    public var jsonValue: JSONValue {
        switch self {
        case .full: return .string("full")
        case .size(let size): return .number(Double(size))
        }
    }
}
