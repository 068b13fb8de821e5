/// A sweep config expanded into its members, each a fully validated single-run config, before
/// anything runs: a value that does not fit is a config error naming its place in the grid
/// (`sweep.optimizer.lr[2]`), not a failure halfway through the sweep.
public struct SweepPlan: Sendable {
    /// One run of the grid.
    public struct Member: Sendable {
        /// The run (folder) name: `<name>-<key>=<value>…`, sanitized.
        public var name: String
        /// The values this member sets, one per swept key, in key order.
        public var assignments: [Assignment]
        /// The member's config (no sweep, `name` set; `runs_dir` is set when the sweep folder
        /// exists).
        public var config: TrainerConfig
    }

    /// One swept key's value in a member.
    public struct Assignment: Sendable {
        public var path: String
        /// Position in the key's value list.
        public var index: Int
        public var value: JSONValue

        /// `value` as text for names, tables and legends: numbers in shortest form, strings
        /// without quotes.
        public var valueText: String {
            switch value {
            case .number(let x): return JSONValue.format(x)
            case .string(let s): return s
            default: return value.serialized(pretty: false)
            }
        }
    }

    /// The sweep's own config (as loaded, with the grid).
    public let base: TrainerConfig
    /// The config file.
    public let configPath: String
    /// The members in grid order (first key slowest).
    public let members: [Member]

    /// Expands `base` (loaded from `configPath` with `overrides`, a `--name` included as a
    /// `name=` override) into validated member configs. The file is read again for its JSON so that each member is
    /// validated exactly like a config file with that value written in.
    public static func expand(base: TrainerConfig, configPath: String, overrides: [String]) throws(ConfigError) -> SweepPlan {
        var root: JSONValue
        switch ConfigFileReader.read(configPath) {
        case .success(let bytes):
            do {
                root = try JSONValue.parse(utf8: bytes)
            } catch {
                throw ConfigError(file: configPath, line: error.line, column: error.column, reason: error.reason)
            }
        case .failure(let error):
            throw error
        }
        for text in overrides {
            do {
                root = try ConfigOverride(parsing: text).applied(to: root)
            } catch {
                var error = error
                error.file = configPath
                throw error
            }
        }
        var members: [Member] = []
        for (number, choice) in base.sweep.members.enumerated() {
            let assignments = choice.map { Assignment(path: $0.path, index: $0.index, value: $0.value) }
            let memberName = Self.memberName(base: base.name, assignments: assignments, number: number + 1)
            var json = Self.setting(["sweep"], to: .null, in: root)
            json = Self.setting(["name"], to: .string(memberName), in: json)
            for a in assignments {
                json = Self.setting(a.path.split(separator: ".").map(String.init)[...], to: a.value, in: json)
            }
            do {
                let config = try TrainerConfig.parse(json, defaultName: TrainerConfig.baseName(of: configPath), file: configPath)
                members.append(Member(name: memberName, assignments: assignments, config: config))
            } catch {
                throw Self.blame(error, on: assignments, member: memberName, file: configPath)
            }
        }
        return SweepPlan(base: base, configPath: configPath, members: members)
    }

    /// An error in a member is reported at the swept value that concerns its key (the value
    /// itself, or a key it constrains), else as the member's.
    static func blame(_ error: ConfigError, on assignments: [Assignment], member: String, file: String) -> ConfigError {
        if let path = error.path,
           let culprit = assignments.last(where: { Self.related(path, $0.path) }) {
            return ConfigError(file: file, path: "sweep.\(culprit.path)[\(culprit.index)]", reason: (path == culprit.path ? "" : "\(path): ") + error.reason)
        }
        var error = error
        error.file = file
        error.reason += " (in sweep member \(member))"
        return error
    }

    /// One path is a prefix of the other (component-wise).
    static func related(_ a: String, _ b: String) -> Bool {
        let x = a.split(separator: "."), y = b.split(separator: ".")
        let n = min(x.count, y.count)
        return Array(x.prefix(n)) == Array(y.prefix(n))
    }

    /// `root` with the value at `path` replaced, creating objects on the way.
    static func setting(_ path: ArraySlice<String>, to value: JSONValue, in node: JSONValue) -> JSONValue {
        guard let first = path.first else { return value }
        var members: [(String, JSONValue)] = node.objectMembers ?? []
        let child = members.first(where: { $0.0 == first })?.1 ?? .null
        members.setMember(first, setting(path.dropFirst(), to: value, in: child))
        return .object(members)
    }

    /// `<base>-<key>=<value>-…` with characters other than letters, digits and `._=+-` made `_`,
    /// cut to the run-name limit (keeping the member number so cut names stay distinct).
    static func memberName(base: String, assignments: [Assignment], number: Int) -> String {
        let raw = ([base] + assignments.map { "\($0.path)=\($0.valueText)" }).joined(separator: "-")
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._=+-")
        var name = String(raw.map { allowed.contains($0) ? $0 : "_" })
        let limit = ConfigConstraint.maxNameLength
        if name.count > limit {
            let suffix = "-\(number)"
            name = String(name.prefix(limit - suffix.count)) + suffix
        }
        return name
    }
}
