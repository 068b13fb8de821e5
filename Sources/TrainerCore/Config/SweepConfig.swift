/// A grid of config values to train one run each (`sweep`): `{"optimizer.lr": [0.001, 0.01]}`.
/// With several keys every combination is run, the first key varying slowest (key order).
public struct SweepConfig: Equatable, Sendable {
    /// One swept key and its values, as written (JSON, checked against the key's schema entry).
    public struct Axis: Equatable, Sendable {
        /// Dotted config key path, e.g. `optimizer.lr`.
        public var path: String
        /// The values to try, in order.
        public var values: [JSONValue]

        public init(path: String, values: [JSONValue]) {
            self.path = path
            self.values = values
        }
    }

    /// The swept keys in key order; empty means no sweep.
    public var axes: [Axis]

    /// A sweep over `axes` (none by default).
    public init(axes: [Axis] = []) {
        self.axes = axes
    }

    /// Whether this is no sweep at all.
    public var isEmpty: Bool { axes.isEmpty }

    /// Keys that cannot be swept: the member name and folder are set by the sweep itself.
    static let reservedKeys: Set<String> = ["name", "runs_dir", "sweep"]

    /// Every combination, first axis slowest: for each member, the (path, index, value) chosen.
    public var members: [[(path: String, index: Int, value: JSONValue)]] {
        var result: [[(path: String, index: Int, value: JSONValue)]] = [[]]
        for axis in axes {
            var next: [[(path: String, index: Int, value: JSONValue)]] = []
            for prefix in result {
                for (index, value) in axis.values.enumerated() {
                    next.append(prefix + [(axis.path, index, value)])
                }
            }
            result = next
        }
        return axes.isEmpty ? [] : result
    }

    /// Largest number of members a grid may have, so a typo cannot start a million runs.
    public static let maxMembers = 1000

    /// Checks the keys and, one by one, the values of a `sweep` object, naming the offending
    /// element (`sweep.optimizer.lr[2]`). Values are checked on their own against their key's
    /// type and rule; rules that relate several keys are checked again per member when the
    /// grid is expanded (`SweepPlan`).
    static func validate(_ value: JSONValue, resolved: [String: JSONValue]) throws(ConfigError) {
        guard case .object(let members) = value else { return }
        var count = 1
        for (path, element) in members {
            guard let key = ConfigSchema.key(path), key.type != .section, !reservedKeys.contains(path) else {
                var reason: String
                if reservedKeys.contains(path) {
                    reason = "\(path) cannot be swept (the sweep names its members and their folder)"
                } else if let key = ConfigSchema.key(path), key.type == .section {
                    reason = "\(key.path) is a section; sweep one of its keys, e.g. \(ConfigSchema.children(of: key.path).first?.path ?? key.path)"
                } else {
                    reason = "unknown config key"
                    let leaves = ConfigSchema.keys.filter { $0.type != .section }.map(\.path)
                    if let suggestion = Suggestions.closest(to: path, among: leaves) {
                        reason += "; did you mean \"\(suggestion)\"?"
                    } else if let byName = leaves.first(where: { $0.hasSuffix("." + path) }) {
                        reason += "; did you mean \"\(byName)\"?"
                    }
                }
                throw ConfigError(path: "sweep.\(path)", reason: reason)
            }
            guard case .array(let values) = element else { continue }
            count *= values.count
            for (index, candidate) in values.enumerated() {
                let elementPath = "sweep.\(path)[\(index)]"
                var normalized = candidate
                if candidate == .null {
                    guard key.nullable else {
                        throw ConfigError(path: elementPath, reason: "\(key.type.expectation(nullable: false)), got null")
                    }
                } else {
                    switch key.type.check(candidate, nullable: key.nullable) {
                    case .success(let checked): normalized = checked
                    case .failure(let mismatch): throw ConfigError(path: elementPath, reason: mismatch.reason)
                    }
                }
                var withValue = resolved
                withValue[path] = normalized
                if let reason = key.constraint.violation(of: normalized, resolved: withValue) {
                    throw ConfigError(path: elementPath, reason: reason)
                }
            }
        }
        if count > maxMembers {
            throw ConfigError(path: "sweep", reason: "the grid has \(count) members, more than the limit of \(maxMembers)")
        }
    }
}
