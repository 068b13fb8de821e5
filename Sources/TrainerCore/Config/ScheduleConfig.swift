/// Learning-rate schedule (`schedule.*`).
public struct ScheduleConfig: Equatable, Sendable {
    /// Shape (`schedule.type`).
    public var type: ScheduleType
    /// Epochs between decays for `step` (`schedule.step_size`), >= 1.
    public var stepSize: Int
    /// Decay factor (`schedule.gamma`), in (0, 1].
    public var gamma: Double
    /// Final learning rate for `cosine` (`schedule.min_lr`), >= 0.
    public var minLr: Double
    /// Linear warm-up steps (`schedule.warmup_steps`), >= 0.
    public var warmupSteps: Int

    /// Creates a schedule section with every field given.
    public init(type: ScheduleType, stepSize: Int, gamma: Double, minLr: Double, warmupSteps: Int) {
        self.type = type
        self.stepSize = stepSize
        self.gamma = gamma
        self.minLr = minLr
        self.warmupSteps = warmupSteps
    }

    /// Every field at its schema default.
    public static let defaults = ConfigDefaults.section { resolved throws(ConfigError) in try ScheduleConfig(resolved: resolved) }
}
