/// Everything the training loop needs to continue exactly where it stopped, as written to
/// `checkpoint.json`.
///
/// Checkpoints are taken only between optimizer steps, at the top of the loop: the gradient
/// accumulator is then always empty, so the accumulation position is fully described by
/// `position` (the next row of the epoch's order to read). The epoch's order is stored whole
/// because each epoch shuffles the previous epoch's order in place, so it cannot be rebuilt from
/// the generator state alone.
///
/// Exactness: doubles are written with the shortest text that parses back to the same bits
/// (non-finite values as the strings `"nan"`, `"inf"`, `"-inf"`, which JSON numbers cannot
/// hold), and the 64-bit generator words as decimal strings, since a JSON number is a double.
public struct TrainingCheckpoint: Equatable, Sendable {
    /// Optimizer steps taken.
    public var step: Int
    /// The 1-based epoch in progress (its order has already been shuffled).
    public var epoch: Int
    /// Rows of `order` already consumed in this epoch.
    public var position: Int
    /// Epochs fully completed (evaluated and logged to epochs.csv).
    public var epochsCompleted: Int
    /// The epoch's row order (indices into the training split).
    public var order: [Int]
    /// The shuffling generator's state after this epoch's shuffle.
    public var rngState: (UInt64, UInt64, UInt64, UInt64)
    /// Parameters θ.
    public var parameters: [Double]
    /// The optimizer's buffers and step count.
    public var optimizer: OptimizerState
    /// The first finite loss (divergence detection compares against it).
    public var firstLoss: Double?
    public var skippedSteps: Int
    public var clippedSteps: Int
    /// Early-stopping state.
    public var bestValLoss: Double
    public var bestParameters: [Double]
    public var bestEpoch: Int
    public var epochsWithoutImprovement: Int
    /// Data rows in metrics.csv when the checkpoint was written (filled in by the run folder).
    public var metricsRows: Int = 0
    /// The step of the last row in metrics.csv (0 when none).
    public var lastLoggedStep: Int = 0
    /// Data rows in epochs.csv.
    public var epochRows: Int = 0
    /// Hash of the run folder's config.json, so a resume with an edited config is refused.
    public var configHash: String = ""

    /// Creates a checkpoint from the loop's state; the log positions and hash are filled in later.
    public init(
        step: Int, epoch: Int, position: Int, epochsCompleted: Int, order: [Int],
        rngState: (UInt64, UInt64, UInt64, UInt64), parameters: [Double], optimizer: OptimizerState,
        firstLoss: Double?, skippedSteps: Int, clippedSteps: Int, bestValLoss: Double,
        bestParameters: [Double], bestEpoch: Int, epochsWithoutImprovement: Int
    ) {
        self.step = step
        self.epoch = epoch
        self.position = position
        self.epochsCompleted = epochsCompleted
        self.order = order
        self.rngState = rngState
        self.parameters = parameters
        self.optimizer = optimizer
        self.firstLoss = firstLoss
        self.skippedSteps = skippedSteps
        self.clippedSteps = clippedSteps
        self.bestValLoss = bestValLoss
        self.bestParameters = bestParameters
        self.bestEpoch = bestEpoch
        self.epochsWithoutImprovement = epochsWithoutImprovement
    }

    public static func == (a: TrainingCheckpoint, b: TrainingCheckpoint) -> Bool {
        a.json() == b.json()
    }

    /// The format this code writes and reads.
    public static let formatVersion = 1

    /// The checkpoint.json document.
    public func json() -> JSONValue {
        let buffers = optimizer.buffers.keys.sorted().map { ($0, Self.numbers(optimizer.buffers[$0] ?? [])) }
        return .object([
            ("format_version", .number(Double(Self.formatVersion))),
            ("config_hash", .string(configHash)),
            ("step", .number(Double(step))),
            ("epoch", .number(Double(epoch))),
            ("position", .number(Double(position))),
            ("epochs_completed", .number(Double(epochsCompleted))),
            ("metrics_rows", .number(Double(metricsRows))),
            ("last_logged_step", .number(Double(lastLoggedStep))),
            ("epoch_rows", .number(Double(epochRows))),
            ("rng_state", .array([rngState.0, rngState.1, rngState.2, rngState.3].map { .string(String($0)) })),
            ("first_loss", firstLoss.map(Self.number) ?? .null),
            ("skipped_steps", .number(Double(skippedSteps))),
            ("clipped_steps", .number(Double(clippedSteps))),
            ("early_stopping", .object([
                ("best_val_loss", Self.number(bestValLoss)),
                ("best_epoch", .number(Double(bestEpoch))),
                ("epochs_without_improvement", .number(Double(epochsWithoutImprovement))),
                ("best_parameters", Self.numbers(bestParameters)),
            ])),
            ("parameters", Self.numbers(parameters)),
            ("optimizer", .object([
                ("step_count", .number(Double(optimizer.stepCount))),
                ("buffers", .object(buffers)),
            ])),
            ("order", .array(order.map { .number(Double($0)) })),
        ])
    }

    /// Reads a checkpoint.json document.
    ///
    /// - Throws: `CheckpointError` naming the first missing or ill-typed field.
    public init(json: JSONValue) throws(CheckpointError) {
        let reader = Reader(root: json)
        let version = try reader.int("format_version")
        guard version == Self.formatVersion else {
            throw CheckpointError(reason: "format_version \(version) is not supported (expected \(Self.formatVersion))")
        }
        let rng = try reader.array("rng_state")
        guard rng.count == 4 else { throw CheckpointError(reason: "rng_state: expected 4 words, found \(rng.count)") }
        var words: [UInt64] = []
        for word in rng {
            guard case .string(let text) = word, let value = UInt64(text) else {
                throw CheckpointError(reason: "rng_state: expected decimal strings of 64-bit words")
            }
            words.append(value)
        }
        let early = try reader.object("early_stopping")
        let optimizerJSON = try reader.object("optimizer")
        guard case .object(let bufferMembers)? = optimizerJSON["buffers"] else {
            throw CheckpointError(reason: "optimizer.buffers: expected an object")
        }
        var buffers: [String: [Double]] = [:]
        for (name, value) in bufferMembers { buffers[name] = try Self.doubles(value, field: "optimizer.buffers.\(name)") }
        let earlyReader = Reader(root: early, prefix: "early_stopping.")
        let optimizerReader = Reader(root: optimizerJSON, prefix: "optimizer.")
        var order: [Int] = []
        for element in try reader.array("order") {
            guard case .number(let x) = element, let index = Int(exactly: x), index >= 0 else {
                throw CheckpointError(reason: "order: expected non-negative integers")
            }
            order.append(index)
        }
        let firstLossJSON = json["first_loss"] ?? .null
        self.init(
            step: try reader.int("step"), epoch: try reader.int("epoch"), position: try reader.int("position"),
            epochsCompleted: try reader.int("epochs_completed"), order: order,
            rngState: (words[0], words[1], words[2], words[3]),
            parameters: try Self.doubles(json["parameters"], field: "parameters"),
            optimizer: OptimizerState(stepCount: try optimizerReader.int("step_count"), buffers: buffers),
            firstLoss: firstLossJSON == .null ? nil : try Self.double(firstLossJSON, field: "first_loss"),
            skippedSteps: try reader.int("skipped_steps"), clippedSteps: try reader.int("clipped_steps"),
            bestValLoss: try Self.double(early["best_val_loss"], field: "early_stopping.best_val_loss"),
            bestParameters: try Self.doubles(early["best_parameters"], field: "early_stopping.best_parameters"),
            bestEpoch: try earlyReader.int("best_epoch"),
            epochsWithoutImprovement: try earlyReader.int("epochs_without_improvement"))
        metricsRows = try reader.int("metrics_rows")
        lastLoggedStep = try reader.int("last_logged_step")
        epochRows = try reader.int("epoch_rows")
        guard case .string(let hash)? = json["config_hash"] else {
            throw CheckpointError(reason: "config_hash: expected a string")
        }
        configHash = hash
    }

    // MARK: - Exact numbers

    static func number(_ x: Double) -> JSONValue {
        if x.isNaN { return .string("nan") }
        if x.isInfinite { return .string(x > 0 ? "inf" : "-inf") }
        return .number(x)
    }

    static func numbers(_ xs: [Double]) -> JSONValue { .array(xs.map(number)) }

    static func double(_ value: JSONValue?, field: String) throws(CheckpointError) -> Double {
        switch value {
        case .number(let x)?: return x
        case .string("nan")?: return .nan
        case .string("inf")?: return .infinity
        case .string("-inf")?: return -.infinity
        default: throw CheckpointError(reason: "\(field): expected a number")
        }
    }

    static func doubles(_ value: JSONValue?, field: String) throws(CheckpointError) -> [Double] {
        guard case .array(let elements)? = value else { throw CheckpointError(reason: "\(field): expected an array of numbers") }
        var result: [Double] = []
        result.reserveCapacity(elements.count)
        for element in elements { result.append(try double(element, field: field)) }
        return result
    }

    /// Typed field access with the field's path in every error.
    struct Reader {
        var root: JSONValue
        var prefix = ""

        func int(_ key: String) throws(CheckpointError) -> Int {
            guard case .number(let x)? = root[key], let value = Int(exactly: x), value >= 0 else {
                throw CheckpointError(reason: "\(prefix)\(key): expected a non-negative integer")
            }
            return value
        }

        func array(_ key: String) throws(CheckpointError) -> [JSONValue] {
            guard case .array(let elements)? = root[key] else { throw CheckpointError(reason: "\(prefix)\(key): expected an array") }
            return elements
        }

        func object(_ key: String) throws(CheckpointError) -> JSONValue {
            guard let value = root[key], case .object = value else { throw CheckpointError(reason: "\(prefix)\(key): expected an object") }
            return value
        }
    }
}
