/// Comparison with the closed-form reference (`compare.*`).
public struct CompareConfig: Equatable, Sendable {
    /// Also fit the reference solution (`compare.reference`).
    public var reference: Bool

    /// Creates a compare section.
    public init(reference: Bool) {
        self.reference = reference
    }

    /// Every field at its schema default.
    public static let defaults = ConfigDefaults.section { resolved throws(ConfigError) in try CompareConfig(resolved: resolved) }
}
