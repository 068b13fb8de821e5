/// Why a config could not be loaded: which file (and, for syntax errors, line and column),
/// which command-line override, which key, and what was wrong.
///
/// `description` is the message shown to the user, e.g.
/// - `Configs/x.json: optimizer.lr: must be > 0, got -0.1`
/// - `Configs/x.json:3:14: expected ',' or '}'`
/// - `--set optimizer.lr=-1: optimizer.lr: must be > 0, got -1`
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The config file as the user named it, or `nil` when the JSON did not come from a file.
    public var file: String?
    /// 1-based line of a JSON syntax error.
    public var line: Int?
    /// 1-based column (in Unicode scalars) of a JSON syntax error.
    public var column: Int?
    /// The `--set` override (as typed, `key.path=value`) that caused the error, if any.
    public var override: String?
    /// The dotted key path the error is about (`optimizer.lr`), if any.
    public var path: String?
    /// What was wrong, e.g. `must be > 0, got -0.1`.
    public var reason: String

    /// Creates an error; every location field is optional.
    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, override: String? = nil, path: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.override = override
        self.path = path
        self.reason = reason
    }

    /// The location prefixes joined with `": "`. An override, when present, replaces the file
    /// name because the offending value came from the command line, not the file.
    public var description: String {
        var parts: [String] = []
        if let override {
            parts.append("--set \(override)")
        } else if let file {
            if let line, let column {
                parts.append("\(file):\(line):\(column)")
            } else {
                parts.append(file)
            }
        } else if let line, let column {
            parts.append("\(line):\(column)")
        }
        if let path { parts.append(path) }
        parts.append(reason)
        return parts.joined(separator: ": ")
    }
}
