/// Builds config sections from the schema's defaults, so that `OptimizerConfig.defaults` and
/// friends restate no default values of their own.
enum ConfigDefaults {
    /// Every `.value` default by path. Required keys get a placeholder (the empty string, or an
    /// enum's first case) that `withDefaults(…)` overwrites; nullable sections are off.
    static let values: ResolvedConfigValues = {
        var values: [String: JSONValue] = [:]
        for key in ConfigSchema.keys {
            switch key.defaultValue {
            case .value(let value):
                values[key.path] = value
            case .required, .fileBaseName:
                if case .enumeration(let cases) = key.type, let first = cases.first {
                    values[key.path] = .string(first)
                } else {
                    values[key.path] = .string("")
                }
            case .requiredUnless(_, let otherwise) where otherwise != .null:
                values[key.path] = otherwise
            case .requiredUnless:
                values[key.path] = key.nullable ? .null : .string("")
            case .children:
                break
            }
        }
        return ResolvedConfigValues(values: values)
    }()

    /// Runs `build` on the default values. A failure means the schema's own defaults do not
    /// fit the config types: a programming error caught by the tests, never user input.
    static func section<T>(_ build: (ResolvedConfigValues) throws(ConfigError) -> T) -> T {
        do {
            return try build(values)
        } catch {
            preconditionFailure("ConfigSchema defaults do not build \(T.self): \(error)")
        }
    }
}
