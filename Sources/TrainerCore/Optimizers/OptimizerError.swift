/// Why an ``OptimizerState`` could not be restored into an optimizer.
public enum OptimizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checkpoint's buffer names differ from what this optimizer's configuration keeps
    /// (for example an `"max_exp_avg_sq"` buffer restored into Adam without AMSGrad).
    case bufferNamesMismatch(expected: [String], found: [String])
    /// A buffer has the wrong number of entries for this optimizer's parameter count.
    case bufferLengthMismatch(name: String, expected: Int, found: Int)
    /// The step count is negative.
    case invalidStepCount(Int)

    public var description: String {
        switch self {
        case .bufferNamesMismatch(let expected, let found):
            return "optimizer state has buffers \(found), expected \(expected)"
        case .bufferLengthMismatch(let name, let expected, let found):
            return "optimizer buffer \"\(name)\" has \(found) entries, expected \(expected)"
        case .invalidStepCount(let count):
            return "optimizer state has invalid step count \(count)"
        }
    }
}
