/// One entry of the config schema: a dotted key path with its type, default, constraint and
/// a one-line description. `ConfigSchema.keys` is the single place these are defined.
public struct ConfigKey: Equatable, Sendable {
    /// Dotted path from the root, e.g. `optimizer.lr`.
    public var path: String
    /// The JSON shape the key accepts.
    public var type: ConfigValueType
    /// Whether `null` is accepted (meaning "not set").
    public var nullable: Bool
    /// The value used when the key is absent.
    public var defaultValue: ConfigDefault
    /// The rule the value must satisfy.
    public var constraint: ConfigConstraint
    /// One-line description for the documentation table.
    public var doc: String

    /// Creates a schema entry.
    public init(_ path: String, _ type: ConfigValueType, nullable: Bool = false, default defaultValue: ConfigDefault, _ constraint: ConfigConstraint = .none, doc: String) {
        self.path = path
        self.type = type
        self.nullable = nullable
        self.defaultValue = defaultValue
        self.constraint = constraint
        self.doc = doc
    }

    /// The last path component: the key as written inside its object.
    public var name: String {
        path.split(separator: ".").last.map(String.init) ?? path
    }

    /// The path of the enclosing section, or `""` at the top level.
    public var parentPath: String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }
}
