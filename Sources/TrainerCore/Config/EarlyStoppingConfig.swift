/// Early stopping on the validation loss (`training.early_stopping.*`).
public struct EarlyStoppingConfig: Equatable, Sendable {
    /// Epochs without improvement before stopping (`patience`), >= 1.
    public var patience: Int
    /// Smallest decrease that counts as an improvement (`min_delta`), >= 0.
    public var minDelta: Double
    /// Whether to restore the best weights when stopping (`restore_best`).
    public var restoreBest: Bool

    /// Creates an early-stopping section with every field given.
    public init(patience: Int, minDelta: Double, restoreBest: Bool) {
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
    }

    /// Every field at its schema default (what `"early_stopping": {}` means).
    public static let defaults = ConfigDefaults.section { resolved throws(ConfigError) in try EarlyStoppingConfig(resolved: resolved) }
}
