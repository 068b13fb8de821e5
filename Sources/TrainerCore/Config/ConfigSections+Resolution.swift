// Conversions between the typed config sections and resolved values by dotted path. Both
// directions sit side by side here so that a key added to one is easy to add to the other;
// the resolvedJSON round-trip test catches any mismatch.

extension TrainerConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            name: try r.string("name"),
            seed: try r.uint64("seed"),
            runsDir: try r.string("runs_dir"),
            data: try DataConfig(resolved: r),
            model: try ModelConfig(resolved: r),
            optimizer: try OptimizerConfig(resolved: r),
            schedule: try ScheduleConfig(resolved: r),
            training: try TrainingConfig(resolved: r),
            compare: try CompareConfig(resolved: r),
            solver: try SolverConfig(resolved: r)
        )
        sweep = try SweepConfig(resolved: r)
    }

    /// Every schema leaf (and the nullable `training.early_stopping` section) by path.
    func resolvedValues() -> [String: JSONValue] {
        var values: [String: JSONValue] = [
            "name": .string(name),
            "seed": .number(Double(seed)),
            "runs_dir": .string(runsDir),
        ]
        data.addResolvedValues(to: &values)
        model.addResolvedValues(to: &values)
        optimizer.addResolvedValues(to: &values)
        schedule.addResolvedValues(to: &values)
        training.addResolvedValues(to: &values)
        compare.addResolvedValues(to: &values)
        solver.addResolvedValues(to: &values)
        sweep.addResolvedValues(to: &values)
        return values
    }
}

extension DataConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            path: try r.optionalString("data.path"),
            target: try r.string("data.target"),
            features: try r.optionalStrings("data.features"),
            validationFraction: try r.double("data.validation_fraction"),
            standardize: try r.bool("data.standardize"),
            missing: try r.enumeration("data.missing"),
            synthetic: r.isPresent("data.synthetic") ? try SyntheticDataConfig(resolved: r) : nil
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["data.path"] = path.map(JSONValue.string) ?? .null
        values["data.target"] = .string(target)
        values["data.features"] = features.map { .array($0.map(JSONValue.string)) } ?? .null
        values["data.validation_fraction"] = .number(validationFraction)
        values["data.standardize"] = .bool(standardize)
        values["data.missing"] = .string(missing.rawValue)
        if let synthetic {
            values["data.synthetic"] = .object([])
            synthetic.addResolvedValues(to: &values)
        } else {
            values["data.synthetic"] = .null
        }
    }
}

extension SyntheticDataConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            rows: try r.int("data.synthetic.rows"),
            features: try r.optionalInt("data.synthetic.features"),
            weights: try r.optionalRows("data.synthetic.weights"),
            bias: try r.numbers("data.synthetic.bias"),
            noiseVariance: try r.double("data.synthetic.noise_variance"),
            distribution: try r.enumeration("data.synthetic.distribution"),
            classes: try r.optionalInt("data.synthetic.classes"),
            seed: try r.optionalUInt64("data.synthetic.seed")
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["data.synthetic.rows"] = .number(Double(rows))
        values["data.synthetic.features"] = features.map { .number(Double($0)) } ?? .null
        // One row is the vector form (linear, logistic); several are softmax's matrix form.
        if let weights {
            values["data.synthetic.weights"] = weights.count == 1
                ? .array(weights[0].map(JSONValue.number))
                : .array(weights.map { .array($0.map(JSONValue.number)) })
        } else {
            values["data.synthetic.weights"] = .null
        }
        values["data.synthetic.bias"] = bias.count == 1 ? .number(bias[0]) : .array(bias.map(JSONValue.number))
        values["data.synthetic.noise_variance"] = .number(noiseVariance)
        values["data.synthetic.distribution"] = .string(distribution.rawValue)
        values["data.synthetic.classes"] = classes.map { .number(Double($0)) } ?? .null
        values["data.synthetic.seed"] = seed.map { .number(Double($0)) } ?? .null
    }
}

extension SweepConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        guard case .object(let members)? = r.values["sweep"] else {
            self.init()
            return
        }
        var axes: [Axis] = []
        for (path, value) in members {
            guard case .array(let values) = value else {
                throw ConfigError(path: "sweep.\(path)", reason: "internal error: no resolved array (schema and config types disagree)")
            }
            axes.append(Axis(path: path, values: values))
        }
        self.init(axes: axes)
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["sweep"] = isEmpty ? .null : .object(axes.map { ($0.path, .array($0.values)) })
    }
}

extension ModelConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            type: try r.enumeration("model.type"),
            bias: try r.bool("model.bias"),
            l2: try r.double("model.l2"),
            l1: try r.double("model.l1")
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["model.type"] = .string(type.rawValue)
        values["model.bias"] = .bool(bias)
        values["model.l2"] = .number(l2)
        values["model.l1"] = .number(l1)
    }
}

extension OptimizerConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            type: try r.enumeration("optimizer.type"),
            lr: try r.double("optimizer.lr"),
            momentum: try r.double("optimizer.momentum"),
            dampening: try r.double("optimizer.dampening"),
            nesterov: try r.bool("optimizer.nesterov"),
            beta1: try r.double("optimizer.beta1"),
            beta2: try r.double("optimizer.beta2"),
            eps: try r.double("optimizer.eps"),
            amsgrad: try r.bool("optimizer.amsgrad"),
            weightDecay: try r.double("optimizer.weight_decay")
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["optimizer.type"] = .string(type.rawValue)
        values["optimizer.lr"] = .number(lr)
        values["optimizer.momentum"] = .number(momentum)
        values["optimizer.dampening"] = .number(dampening)
        values["optimizer.nesterov"] = .bool(nesterov)
        values["optimizer.beta1"] = .number(beta1)
        values["optimizer.beta2"] = .number(beta2)
        values["optimizer.eps"] = .number(eps)
        values["optimizer.amsgrad"] = .bool(amsgrad)
        values["optimizer.weight_decay"] = .number(weightDecay)
    }
}

extension ScheduleConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            type: try r.enumeration("schedule.type"),
            stepSize: try r.int("schedule.step_size"),
            gamma: try r.double("schedule.gamma"),
            minLr: try r.double("schedule.min_lr"),
            warmupSteps: try r.int("schedule.warmup_steps")
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["schedule.type"] = .string(type.rawValue)
        values["schedule.step_size"] = .number(Double(stepSize))
        values["schedule.gamma"] = .number(gamma)
        values["schedule.min_lr"] = .number(minLr)
        values["schedule.warmup_steps"] = .number(Double(warmupSteps))
    }
}

extension EarlyStoppingConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            patience: try r.int("training.early_stopping.patience"),
            minDelta: try r.double("training.early_stopping.min_delta"),
            restoreBest: try r.bool("training.early_stopping.restore_best")
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["training.early_stopping.patience"] = .number(Double(patience))
        values["training.early_stopping.min_delta"] = .number(minDelta)
        values["training.early_stopping.restore_best"] = .bool(restoreBest)
    }
}

extension TrainingConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            epochs: try r.int("training.epochs"),
            batchSize: try r.batchSize("training.batch_size"),
            shuffle: try r.bool("training.shuffle"),
            clipNorm: try r.optionalDouble("training.clip_norm"),
            clipValue: try r.optionalDouble("training.clip_value"),
            accumulationSteps: try r.int("training.accumulation_steps"),
            onNonfinite: try r.enumeration("training.on_nonfinite"),
            earlyStopping: r.isPresent("training.early_stopping") ? try EarlyStoppingConfig(resolved: r) : nil,
            maxSteps: try r.optionalInt("training.max_steps"),
            logEvery: try r.int("training.log_every"),
            checkpointEvery: try r.optionalInt("training.checkpoint_every")
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["training.epochs"] = .number(Double(epochs))
        values["training.batch_size"] = batchSize.jsonValue
        values["training.shuffle"] = .bool(shuffle)
        values["training.clip_norm"] = clipNorm.map(JSONValue.number) ?? .null
        values["training.clip_value"] = clipValue.map(JSONValue.number) ?? .null
        values["training.accumulation_steps"] = .number(Double(accumulationSteps))
        values["training.on_nonfinite"] = .string(onNonfinite.rawValue)
        if let earlyStopping {
            values["training.early_stopping"] = .object([])
            earlyStopping.addResolvedValues(to: &values)
        } else {
            values["training.early_stopping"] = .null
        }
        values["training.max_steps"] = maxSteps.map { .number(Double($0)) } ?? .null
        values["training.log_every"] = .number(Double(logEvery))
        values["training.checkpoint_every"] = checkpointEvery.map { .number(Double($0)) } ?? .null
    }
}

extension CompareConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(reference: try r.bool("compare.reference"))
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["compare.reference"] = .bool(reference)
    }
}

extension SolverConfig {
    init(resolved r: ResolvedConfigValues) throws(ConfigError) {
        self.init(
            method: try r.enumeration("solver.method"),
            maxIterations: try r.int("solver.max_iterations"),
            tolerance: try r.double("solver.tolerance")
        )
    }

    func addResolvedValues(to values: inout [String: JSONValue]) {
        values["solver.method"] = .string(method.rawValue)
        values["solver.max_iterations"] = .number(Double(maxIterations))
        values["solver.tolerance"] = .number(tolerance)
    }
}
