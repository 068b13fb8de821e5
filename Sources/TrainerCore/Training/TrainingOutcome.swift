/// How a run ended. The raw values are written to `summary.json` as `status`.
public enum RunStatus: String, Sendable, Equatable {
    /// Training ran to its configured end (epochs, max_steps or early stopping).
    case completed
    /// The loss or gradient became non-finite or exploded; training stopped (`on_nonfinite: stop`).
    case diverged
    /// A non-finite value with `on_nonfinite: error`.
    case failed
    /// Stopped by SIGINT/SIGTERM.
    case interrupted
}

/// Where and how training diverged, for `summary.json` and the printed summary.
public struct DivergenceReport: Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    public var lr: Double
    public var loss: Double
    public var gradNorm: Double
    /// What was detected ("non-finite loss", "loss exceeded 1e6 × its first value", ...).
    public var reason: String
    /// What to try instead.
    public var hint: String
}

/// The result of `Trainer.run`.
public struct TrainingOutcome: Sendable {
    /// θ at the end (the best epoch's θ when early stopping restored it).
    public var parameters: [Double]
    public var status: RunStatus
    /// Why training stopped, in words.
    public var stopReason: String
    /// Optimizer steps taken (skipped steps included).
    public var steps: Int
    /// Epochs fully completed.
    public var epochsCompleted: Int
    public var divergence: DivergenceReport?
    /// Steps whose update was skipped for a non-finite value.
    public var skippedSteps: Int
    /// Steps where clipping changed the gradient.
    public var clippedSteps: Int
    /// The epoch whose parameters were restored by early stopping, if any.
    public var restoredEpoch: Int?
    /// Seconds spent in the full passes over the training and validation splits after each
    /// epoch (part of the training time, but not of the optimizer loop).
    public var evaluationSeconds: Double = 0
}
