/// The model family and its regularization (`model.*`).
public struct ModelConfig: Equatable, Sendable {
    /// Model family (`model.type`).
    public var type: ModelKind
    /// Whether to fit an intercept (`model.bias`).
    public var bias: Bool
    /// L2 penalty strength (`model.l2`), >= 0.
    public var l2: Double
    /// L1 penalty strength (`model.l1`), >= 0.
    public var l1: Double

    /// Creates a model section with every field given.
    public init(type: ModelKind, bias: Bool, l2: Double, l1: Double) {
        self.type = type
        self.bias = bias
        self.l2 = l2
        self.l1 = l1
    }

    /// The given model type, every other field at its schema default.
    public static func withDefaults(type: ModelKind) -> ModelConfig {
        var config = ConfigDefaults.section { resolved throws(ConfigError) in try ModelConfig(resolved: resolved) }
        config.type = type
        return config
    }
}
