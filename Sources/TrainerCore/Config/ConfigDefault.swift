/// What a config key takes when it is absent from the file.
public enum ConfigDefault: Equatable, Sendable {
    /// The key must be given.
    case required
    /// This value is used.
    case value(JSONValue)
    /// The config file's base name without extension (only `name` uses this).
    case fileBaseName
    /// A section: absent means an empty object, so each child takes its own default.
    case children
    /// Required unless the sibling section at `present` is set (not absent, not `null`), in
    /// which case `otherwise` is used: `data.path` is needed only without `data.synthetic`.
    case requiredUnless(present: String, otherwise: JSONValue)

    /// The text for the documentation table.
    public var documentation: String {
        switch self {
        case .required: return "required"
        case .value(let value): return "`\(value.serialized(pretty: false))`"
        case .fileBaseName: return "config file name without extension"
        case .children: return "—"
        case .requiredUnless(let present, let otherwise):
            let fallback = otherwise == .null ? "" : " (then `\(otherwise.serialized(pretty: false))`)"
            return "required unless `\(present)` is set\(fallback)"
        }
    }
}
