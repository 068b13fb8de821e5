/// Where the data comes from and how it is split and scaled (`data.*`).
public struct DataConfig: Equatable, Sendable {
    /// CSV file path (`data.path`), relative to the config file's folder; nil when `synthetic`
    /// generates the data.
    public var path: String?
    /// Target column name (`data.target`).
    public var target: String
    /// Feature columns (`data.features`); `nil` means every column except the target.
    public var features: [String]?
    /// Fraction of rows held out for validation (`data.validation_fraction`), in [0, 1).
    public var validationFraction: Double
    /// Whether to standardize features (`data.standardize`).
    public var standardize: Bool
    /// What to do with empty fields (`data.missing`).
    public var missing: MissingValuePolicy

    /// Generated data instead of a CSV file (`data.synthetic`); nil reads `path`.
    public var synthetic: SyntheticDataConfig?

    /// Creates a data section with every field given.
    public init(path: String?, target: String, features: [String]?, validationFraction: Double, standardize: Bool, missing: MissingValuePolicy = .error, synthetic: SyntheticDataConfig? = nil) {
        self.path = path
        self.target = target
        self.features = features
        self.validationFraction = validationFraction
        self.standardize = standardize
        self.synthetic = synthetic
        self.missing = missing
    }

    /// The required fields, every other field at its schema default.
    public static func withDefaults(path: String, target: String) -> DataConfig {
        var config = ConfigDefaults.section { resolved throws(ConfigError) in try DataConfig(resolved: resolved) }
        config.path = path
        config.target = target
        return config
    }
}
