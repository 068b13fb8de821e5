/// A rule a well-typed config value must satisfy. Single-value rules are ranges; the
/// cross-key rules (`featureList`, `nesterov`) look at other resolved values, which is why
/// `check` receives them all.
public enum ConfigConstraint: Equatable, Sendable {
    case none
    /// value > bound
    case greaterThan(Double)
    /// value >= bound
    case atLeast(Double)
    /// lower <= value < upper
    case halfOpen(Double, Double)
    /// lower < value <= upper
    case openClosed(Double, Double)
    /// A non-empty string.
    case nonEmpty
    /// A run name: it becomes a folder name, so it must be a single safe path component.
    case runName
    /// Feature columns: non-empty, no duplicates, not the target column.
    case featureList
    /// `optimizer.nesterov` needs momentum and no dampening (as in PyTorch's SGD).
    case nesterov
    /// `data.path`: non-empty, and absent or null when `data.synthetic` generates the data.
    case csvPath
    /// `data.synthetic`: the shapes of weights, bias, features and classes agree with each
    /// other and with `model.type`.
    case syntheticData
    /// `sweep`: every key is a config key that can be swept, and every listed value is valid
    /// for that key on its own (cross-member checks happen when the grid is expanded).
    case sweepGrid

    /// The longest accepted run name.
    public static let maxNameLength = 100

    /// Text for the documentation table; empty for `.none`.
    public var documentation: String {
        switch self {
        case .none: return ""
        case .greaterThan(let bound): return "> \(JSONValue.format(bound))"
        case .atLeast(let bound): return "≥ \(JSONValue.format(bound))"
        case .halfOpen(let lower, let upper): return "in [\(JSONValue.format(lower)), \(JSONValue.format(upper)))"
        case .openClosed(let lower, let upper): return "in (\(JSONValue.format(lower)), \(JSONValue.format(upper))]"
        case .nonEmpty: return "non-empty"
        case .runName: return "non-empty, no `/`, no leading `.`, at most \(ConfigConstraint.maxNameLength) characters"
        case .featureList: return "non-empty, no duplicates, without `data.target`"
        case .nesterov: return "needs `momentum` > 0 and `dampening` = 0"
        case .csvPath: return "non-empty; null with `data.synthetic`"
        case .syntheticData: return "shapes agree with `model.type`"
        case .sweepGrid: return "keys are config keys, each value valid for its key"
        }
    }

    /// Throws when `value` (resolved at `path`) breaks the rule. Most rules only have a reason
    /// and are reported at `path`; a sweep names the offending element (`sweep.optimizer.lr[2]`).
    func check(_ value: JSONValue, path: String, resolved: [String: JSONValue]) throws(ConfigError) {
        if self == .sweepGrid {
            try SweepConfig.validate(value, resolved: resolved)
            return
        }
        if let reason = violation(of: value, resolved: resolved) {
            throw ConfigError(path: path, reason: reason)
        }
    }

    /// The reason `value` breaks the rule, or `nil` when it holds. `value` has already passed
    /// its type check; `resolved` holds every resolved key by dotted path. `null` (an unset
    /// optional key) always passes.
    func violation(of value: JSONValue, resolved: [String: JSONValue]) -> String? {
        if value == .null { return nil }
        switch self {
        case .none:
            return nil
        case .greaterThan(let bound):
            guard case .number(let number) = value, !(number > bound) else { return nil }
            return "must be > \(JSONValue.format(bound)), got \(value.errorDescription)"
        case .atLeast(let bound):
            guard case .number(let number) = value, !(number >= bound) else { return nil }
            return "must be >= \(JSONValue.format(bound)), got \(value.errorDescription)"
        case .halfOpen(let lower, let upper):
            guard case .number(let number) = value, !(number >= lower && number < upper) else { return nil }
            return "must be in [\(JSONValue.format(lower)), \(JSONValue.format(upper))), got \(value.errorDescription)"
        case .openClosed(let lower, let upper):
            guard case .number(let number) = value, !(number > lower && number <= upper) else { return nil }
            return "must be in (\(JSONValue.format(lower)), \(JSONValue.format(upper))], got \(value.errorDescription)"
        case .nonEmpty:
            guard case .string(let string) = value, string.isEmpty else { return nil }
            return "must not be empty"
        case .runName:
            guard case .string(let name) = value else { return nil }
            if name.isEmpty { return "must not be empty" }
            if name.contains("/") { return "must not contain '/', got \(value.errorDescription)" }
            if name.hasPrefix(".") { return "must not start with '.', got \(value.errorDescription)" }
            if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return "must not contain control characters, got \(value.errorDescription)"
            }
            if name.count > ConfigConstraint.maxNameLength {
                return "must be at most \(ConfigConstraint.maxNameLength) characters, got \(name.count)"
            }
            return nil
        case .featureList:
            guard case .array(let elements) = value else { return nil }
            if elements.isEmpty { return "must not be empty (use null for all columns except the target)" }
            var seen = Set<String>()
            for case .string(let column) in elements {
                if column.isEmpty { return "column names must not be empty" }
                if !seen.insert(column).inserted { return "duplicate column \(JSONValue.string(column).serialized())" }
                if resolved["data.target"] == .string(column) {
                    return "must not contain the target column \(JSONValue.string(column).serialized())"
                }
            }
            return nil
        case .nesterov:
            guard value == .bool(true) else { return nil }
            let momentum = resolved["optimizer.momentum"] ?? .null
            let dampening = resolved["optimizer.dampening"] ?? .null
            guard case .number(let m) = momentum, case .number(let d) = dampening, m > 0, d == 0 else {
                return "requires optimizer.momentum > 0 and optimizer.dampening = 0, got momentum \(momentum.errorDescription) and dampening \(dampening.errorDescription)"
            }
            return nil
        case .csvPath:
            guard case .string(let path) = value else { return nil }
            if path.isEmpty { return "must not be empty" }
            if let synthetic = resolved["data.synthetic"], synthetic != .null {
                return "must be absent or null when data.synthetic is set (the data is generated), got \(value.errorDescription)"
            }
            return nil
        case .syntheticData:
            return SyntheticDataConfig.shapeViolation(resolved: resolved)
        case .sweepGrid:
            // Reported with element paths by `check`.
            return nil
        }
    }
}
