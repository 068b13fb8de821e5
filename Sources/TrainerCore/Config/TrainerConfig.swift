/// A complete, validated training configuration, as read from a JSON config file with
/// `TrainerConfig.load(path:overrides:)`. Keys, defaults and constraints are listed in
/// `ConfigSchema.keys`.
public struct TrainerConfig: Equatable, Sendable {
    /// Run name (`name`); defaults to the config file's base name without extension.
    public var name: String
    /// Random seed (`seed`), 0 ≤ seed < 2^53.
    public var seed: UInt64
    /// Folder receiving run folders (`runs_dir`).
    public var runsDir: String
    /// `data.*`
    public var data: DataConfig
    /// `model.*`
    public var model: ModelConfig
    /// `optimizer.*`
    public var optimizer: OptimizerConfig
    /// `schedule.*`
    public var schedule: ScheduleConfig
    /// `training.*`
    public var training: TrainingConfig
    /// `compare.*`
    public var compare: CompareConfig
    /// `solver.*`
    public var solver: SolverConfig
    /// `sweep`: values to train one run each; empty for a single run. Not part of `init`, so
    /// code that builds single-run configs does not have to mention it.
    public var sweep = SweepConfig()

    /// Creates a config with every field given. No validation happens here: configs built in
    /// code are trusted; configs from users go through `load` / `parse`.
    public init(name: String, seed: UInt64, runsDir: String, data: DataConfig, model: ModelConfig, optimizer: OptimizerConfig, schedule: ScheduleConfig, training: TrainingConfig, compare: CompareConfig, solver: SolverConfig) {
        self.name = name
        self.seed = seed
        self.runsDir = runsDir
        self.data = data
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule
        self.training = training
        self.compare = compare
        self.solver = solver
    }

    /// A config with the given required parts and every other key at its schema default.
    public static func withDefaults(name: String, data: DataConfig, model: ModelConfig) -> TrainerConfig {
        var config = ConfigDefaults.section { resolved throws(ConfigError) in try TrainerConfig(resolved: resolved) }
        config.name = name
        config.data = data
        config.model = model
        return config
    }
}
