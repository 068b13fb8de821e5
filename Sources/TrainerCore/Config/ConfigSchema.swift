/// The config schema: every key, its type, default, constraint and description, in the order
/// resolved configs are written. Parsing, defaults, unknown-key checks and the README table
/// all read this one table, so a default or a range is never stated twice.
public enum ConfigSchema {
    private static func number(_ value: Double) -> ConfigDefault { .value(.number(value)) }
    private static func text(_ value: String) -> ConfigDefault { .value(.string(value)) }
    private static func flag(_ value: Bool) -> ConfigDefault { .value(.bool(value)) }
    private static let unset = ConfigDefault.value(.null)
    private static func cases<T: RawRepresentable & CaseIterable>(_: T.Type) -> ConfigValueType where T.RawValue == String {
        .enumeration(T.allCases.map(\.rawValue))
    }

    /// All keys, sections before their children.
    public static let keys: [ConfigKey] = [
        ConfigKey("name", .string, default: .fileBaseName, .runName, doc: "Run name; run folders are named after it."),
        ConfigKey("seed", .integer, default: number(0), .atLeast(0), doc: "Seed for shuffling, splitting and initialization (below 2^53)."),
        ConfigKey("runs_dir", .string, default: text("Runs"), .nonEmpty, doc: "Folder that receives one subfolder per run."),

        ConfigKey("data", .section, default: .children, doc: "Where the training data comes from."),
        ConfigKey("data.path", .string, nullable: true, default: .requiredUnless(present: "data.synthetic", otherwise: .null), .csvPath, doc: "CSV file with a header row."),
        ConfigKey("data.target", .string, default: .requiredUnless(present: "data.synthetic", otherwise: .string("y")), .nonEmpty, doc: "Name of the target column."),
        ConfigKey("data.features", .stringArray, nullable: true, default: unset, .featureList, doc: "Feature columns; null means every column except the target."),
        ConfigKey("data.validation_fraction", .number, default: number(0.2), .halfOpen(0, 1), doc: "Fraction of rows held out for validation."),
        ConfigKey("data.standardize", .boolean, default: flag(true), doc: "Scale features to zero mean and unit variance using training-split statistics."),
        ConfigKey("data.missing", cases(MissingValuePolicy.self), default: text("error"), doc: "Empty fields: \"error\", \"drop_row\" (skip the row) or \"impute_mean\" (training-split column mean; a missing target is still an error)."),
        ConfigKey("data.synthetic", .section, nullable: true, default: unset, .syntheticData, doc: "Generate the data instead of reading data.path (saved in the run folder as data.csv and true_weights.json); null reads the CSV."),
        ConfigKey("data.synthetic.rows", .integer, default: .required, .atLeast(1), doc: "Number of rows m."),
        ConfigKey("data.synthetic.features", .integer, nullable: true, default: unset, .atLeast(1), doc: "Number of features d (columns x1…xd); null takes it from weights."),
        ConfigKey("data.synthetic.weights", .vectorOrMatrix, nullable: true, default: unset, doc: "True weights w* (d numbers; softmax: K arrays of d numbers, one per class); null draws each from N(0, 1)."),
        ConfigKey("data.synthetic.bias", .numberOrNumbers, default: number(0), doc: "True intercept b* (softmax: one number for every class, or K numbers)."),
        ConfigKey("data.synthetic.noise_variance", .number, default: number(0), .atLeast(0), doc: "Variance of the Gaussian noise ε added to each score: y = Xw* + b* + ε (classifiers draw labels from the noisy scores)."),
        ConfigKey("data.synthetic.distribution", cases(SyntheticDistribution.self), default: text("normal"), doc: "Feature distribution: standard normal, or uniform on [-1, 1)."),
        ConfigKey("data.synthetic.classes", .integer, nullable: true, default: unset, .atLeast(2), doc: "Number of classes K (softmax only); null takes it from weights."),
        ConfigKey("data.synthetic.seed", .integer, nullable: true, default: unset, .atLeast(0), doc: "Seed of the data generator (below 2^53); null uses the run's seed."),

        ConfigKey("model", .section, default: .children, doc: "The model to fit."),
        ConfigKey("model.type", cases(ModelKind.self), default: .required, doc: "Model family: least squares, binary logistic or softmax regression."),
        ConfigKey("model.bias", .boolean, default: flag(true), doc: "Fit an intercept."),
        ConfigKey("model.l2", .number, default: number(0), .atLeast(0), doc: "L2 penalty strength on the weights."),
        ConfigKey("model.l1", .number, default: number(0), .atLeast(0), doc: "L1 penalty strength on the weights."),

        ConfigKey("optimizer", .section, default: .children, doc: "Gradient-based optimizer."),
        ConfigKey("optimizer.type", cases(OptimizerType.self), default: text("sgd"), doc: "Optimizer algorithm."),
        ConfigKey("optimizer.lr", .number, default: number(0.01), .greaterThan(0), doc: "Base learning rate."),
        ConfigKey("optimizer.momentum", .number, default: number(0), .halfOpen(0, 1), doc: "SGD momentum factor."),
        ConfigKey("optimizer.dampening", .number, default: number(0), .halfOpen(0, 1), doc: "SGD dampening for momentum."),
        ConfigKey("optimizer.nesterov", .boolean, default: flag(false), .nesterov, doc: "Use Nesterov momentum (SGD)."),
        ConfigKey("optimizer.beta1", .number, default: number(0.9), .halfOpen(0, 1), doc: "Adam/AdamW first-moment decay."),
        ConfigKey("optimizer.beta2", .number, default: number(0.999), .halfOpen(0, 1), doc: "Adam/AdamW second-moment decay."),
        ConfigKey("optimizer.eps", .number, default: number(1e-8), .greaterThan(0), doc: "Adam/AdamW denominator term."),
        ConfigKey("optimizer.amsgrad", .boolean, default: flag(false), doc: "Use the AMSGrad variant (Adam/AdamW)."),
        ConfigKey("optimizer.weight_decay", .number, default: number(0.01), .atLeast(0), doc: "Decoupled weight decay (AdamW only)."),

        ConfigKey("schedule", .section, default: .children, doc: "Learning-rate schedule."),
        ConfigKey("schedule.type", cases(ScheduleType.self), default: text("constant"), doc: "Schedule shape."),
        ConfigKey("schedule.step_size", .integer, default: number(10), .atLeast(1), doc: "Optimizer steps between decays by gamma (step schedule)."),
        ConfigKey("schedule.gamma", .number, default: number(0.1), .openClosed(0, 1), doc: "Decay factor (step and exponential schedules)."),
        ConfigKey("schedule.min_lr", .number, default: number(0), .atLeast(0), doc: "Final learning rate of the cosine schedule."),
        ConfigKey("schedule.warmup_steps", .integer, default: number(0), .atLeast(0), doc: "Optimizer steps of linear warm-up: lr·(t+1)/W for step t < W."),

        ConfigKey("training", .section, default: .children, doc: "The training loop."),
        ConfigKey("training.epochs", .integer, default: number(100), .atLeast(1), doc: "Passes over the training split."),
        ConfigKey("training.batch_size", .batchSize, default: number(32), doc: "Rows per mini-batch, or \"full\" for full-batch gradient descent."),
        ConfigKey("training.shuffle", .boolean, default: flag(true), doc: "Shuffle the training rows every epoch."),
        ConfigKey("training.clip_norm", .number, nullable: true, default: unset, .greaterThan(0), doc: "Clip the gradient's global L2 norm to this value; null disables."),
        ConfigKey("training.clip_value", .number, nullable: true, default: unset, .greaterThan(0), doc: "Clip each gradient element to [-v, v]; null disables."),
        ConfigKey("training.accumulation_steps", .integer, default: number(1), .atLeast(1), doc: "Mini-batches whose gradients are averaged per optimizer step."),
        ConfigKey("training.on_nonfinite", cases(NonFinitePolicy.self), default: text("stop"), doc: "What to do when the loss or gradient is NaN/inf."),
        ConfigKey("training.early_stopping", .section, nullable: true, default: unset, doc: "Stop when the validation loss stops improving; null disables."),
        ConfigKey("training.early_stopping.patience", .integer, default: number(10), .atLeast(1), doc: "Epochs without improvement before stopping."),
        ConfigKey("training.early_stopping.min_delta", .number, default: number(0), .atLeast(0), doc: "Smallest decrease that counts as an improvement."),
        ConfigKey("training.early_stopping.restore_best", .boolean, default: flag(true), doc: "Restore the best weights when stopping."),
        ConfigKey("training.max_steps", .integer, nullable: true, default: unset, .atLeast(1), doc: "Stop after this many optimizer steps; null means no limit."),
        ConfigKey("training.log_every", .integer, default: number(1), .atLeast(1), doc: "Write every k-th step to metrics.csv."),
        ConfigKey("training.checkpoint_every", .integer, nullable: true, default: unset, .atLeast(1), doc: "Write checkpoint.json every k optimizer steps; null writes one only when interrupted."),

        ConfigKey("compare", .section, default: .children, doc: "Comparison against a closed-form reference."),
        ConfigKey("compare.reference", .boolean, default: flag(true), doc: "Also fit the reference solution and report the difference."),

        ConfigKey("solver", .section, default: .children, doc: "Reference solver settings."),
        ConfigKey("solver.method", cases(SolverMethod.self), default: text("auto"), doc: "Linear least-squares method."),
        ConfigKey("solver.max_iterations", .integer, default: number(100), .atLeast(1), doc: "Iteration limit of the iterative reference solvers."),
        ConfigKey("solver.tolerance", .number, default: number(1e-10), .greaterThan(0), doc: "Convergence tolerance of the iterative reference solvers."),

        ConfigKey("sweep", .sweepGrid, nullable: true, default: unset, .sweepGrid, doc: "Train one run per combination, e.g. {\"optimizer.lr\": [0.001, 0.01]}; several keys form a grid in key order; null trains once."),
    ]

    /// The entry for a dotted path, if the schema has one.
    public static func key(_ path: String) -> ConfigKey? {
        keys.first { $0.path == path }
    }

    /// The entries directly inside the section at `parentPath` (`""` for the top level).
    public static func children(of parentPath: String) -> [ConfigKey] {
        keys.filter { $0.parentPath == parentPath }
    }

    /// The Markdown table for the README: key, type (with constraint), default, meaning.
    /// Generated from `keys` so the documentation cannot drift from the code.
    public static func markdownTable() -> String {
        var lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
        for key in keys {
            var type = key.type.documentation
            if key.nullable { type += " or null" }
            let constraint = key.constraint.documentation
            if !constraint.isEmpty { type += ", " + constraint }
            let cells = ["`\(key.path)`", type, key.defaultValue.documentation, key.doc]
            lines.append("| " + cells.map(escapeCell).joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A `|` inside a cell would end it early in Markdown.
    private static func escapeCell(_ text: String) -> String {
        text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
    }
}
