/// The training loop (`training.*`).
public struct TrainingConfig: Equatable, Sendable {
    /// Passes over the training split (`training.epochs`), >= 1.
    public var epochs: Int
    /// Rows per mini-batch (`training.batch_size`).
    public var batchSize: BatchSize
    /// Shuffle every epoch (`training.shuffle`).
    public var shuffle: Bool
    /// Global gradient-norm clip (`training.clip_norm`), > 0; `nil` disables.
    public var clipNorm: Double?
    /// Element-wise gradient clip (`training.clip_value`), > 0; `nil` disables.
    public var clipValue: Double?
    /// Mini-batches per optimizer step (`training.accumulation_steps`), >= 1.
    public var accumulationSteps: Int
    /// Reaction to NaN/inf (`training.on_nonfinite`).
    public var onNonfinite: NonFinitePolicy
    /// Early stopping (`training.early_stopping`); `nil` disables.
    public var earlyStopping: EarlyStoppingConfig?
    /// Optimizer-step limit (`training.max_steps`), >= 1; `nil` means none.
    public var maxSteps: Int?
    /// Write every k-th step to metrics.csv (`training.log_every`), >= 1.
    public var logEvery: Int
    /// Checkpoint interval in optimizer steps (`training.checkpoint_every`), >= 1; `nil` writes a
    /// checkpoint only when training is interrupted.
    public var checkpointEvery: Int?

    /// Creates a training section with every field given.
    public init(epochs: Int, batchSize: BatchSize, shuffle: Bool, clipNorm: Double?, clipValue: Double?, accumulationSteps: Int, onNonfinite: NonFinitePolicy, earlyStopping: EarlyStoppingConfig?, maxSteps: Int?, logEvery: Int, checkpointEvery: Int? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.clipNorm = clipNorm
        self.clipValue = clipValue
        self.accumulationSteps = accumulationSteps
        self.onNonfinite = onNonfinite
        self.earlyStopping = earlyStopping
        self.maxSteps = maxSteps
        self.logEvery = logEvery
        self.checkpointEvery = checkpointEvery
    }

    /// Every field at its schema default.
    public static let defaults = ConfigDefaults.section { resolved throws(ConfigError) in try TrainingConfig(resolved: resolved) }
}
