import Foundation

/// `trainer run`: config → data → training → reference → run folder, with nothing left to the
/// command-line target but printing and exit codes.
public struct TrainingRun {
    /// The config with defaults filled in and overrides applied.
    public let config: TrainerConfig
    /// The config file as located.
    public let configPath: String
    /// `data.path` resolved against the config file's folder; nil when `data.synthetic`
    /// generates the data (then the run folder's `data.csv` holds it).
    public let dataPath: String?
    /// A sweep's shared reference solves (`ReferenceMemo`); nil for a single run.
    public var referenceMemo: ReferenceMemo?

    /// What a finished (or diverged) run produced.
    public struct Result: Sendable {
        public var directory: RunDirectory
        public var status: RunStatus
        public var summary: JSONValue
        /// The one-screen summary for the terminal.
        public var text: String
    }

    /// Locates and loads the config, applying `--set` overrides and `--name`.
    public init(configArgument: String, overrides: [String] = [], name: String? = nil) throws(TrainerError) {
        do {
            configPath = try ConfigLocator.locate(configArgument)
            var overrides = overrides
            if let name { overrides.append("name=\(Self.quoted(name))") }
            config = try TrainerConfig.load(path: configPath, overrides: overrides)
        } catch {
            throw .config(error)
        }
        dataPath = DataSource.resolvedPath(config: config, configPath: configPath)
    }

    /// A run of an already loaded config (a sweep member); `configPath` anchors `data.path`.
    public init(config: TrainerConfig, configPath: String) {
        self.config = config
        self.configPath = configPath
        dataPath = DataSource.resolvedPath(config: config, configPath: configPath)
    }

    static func quoted(_ s: String) -> String {
        JSONValue.string(s).serialized(pretty: false)
    }

    /// The data as training sees it: loaded with the missing-value policy, imputed, split,
    /// standardized.
    struct Input {
        var missing: MissingValueReport
        var imputer: MissingValueImputer?
        var prepared: PreparedData
        /// The generator and its CSV text when `data.synthetic` made the data.
        var source: DataSource
    }

    /// `trains`: false for runs that only solve (see `DataSource.load`).
    func loadInput(trains: Bool = true) throws(TrainerError) -> Input {
        // The data source: the CSV at data.path, or generated data (saved in the run folder).
        var source = try DataSource.load(config: config, dataPath: dataPath, trains: trains)
        var imputer: MissingValueImputer?
        // Only `dataset` holds the matrix from here, so imputing and preparing copy nothing.
        var dataset = source.takeDataset()
        if config.data.missing == .imputeMean {
            // Means of the training split only: the split is a pure function of the seed, so
            // fitting here uses exactly the rows PreparedData will train on.
            let split = PreparedData.split(rowCount: dataset.count, validationFraction: config.data.validationFraction, seed: config.seed)
            do {
                let fitted = try MissingValueImputer.fit(dataset, trainRows: split.train)
                fitted.apply(to: &dataset)
                imputer = fitted
            } catch {
                throw .data(error)
            }
        }
        let prepared: PreparedData
        do {
            prepared = try PreparedData(dataset: consume dataset, model: config.model, data: config.data, seed: config.seed)
        } catch {
            throw .internalError("preparing the data: \(error)")
        }
        if config.training.earlyStopping != nil && prepared.validation == nil {
            throw .config(ConfigError(file: configPath, path: "training.early_stopping", reason: "needs a validation split: set data.validation_fraction > 0"))
        }
        return Input(missing: source.missing, imputer: imputer, prepared: prepared, source: source)
    }

    /// Runs everything and writes the run folder.
    ///
    /// `stopRequested` is polled once per optimizer step (the CLI passes its SIGINT/SIGTERM
    /// flag); when it answers true the run writes a checkpoint and ends as `interrupted`.
    public func execute(observer: TrainingObserver? = nil, stopRequested: @escaping () -> Bool = { false }) throws(TrainerError) -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let input = try loadInput()
        let loaded = clock.now

        // The run folder is claimed before training starts, so an unwritable runs_dir is
        // reported at once rather than after the training time is spent.
        let directory: RunDirectory
        let lock: RunFolderLock
        let configHash: String
        let log: MetricsLog
        do {
            directory = try RunDirectory.create(runsDirectory: config.runsDir, name: config.name)
            // Held until the folder is complete, so `trainer resume` cannot start on it meanwhile.
            lock = try RunFolderLock(folder: directory.path)
            configHash = try writeResolvedConfig(into: directory)
            try input.source.writeSyntheticData(into: directory)
            log = try MetricsLog(directory: directory, kind: config.model.type, logEvery: config.training.logEvery)
        } catch {
            throw .runFolder(error)
        }
        defer { withExtendedLifetime(lock) {} }
        return try train(
            input, directory: directory, log: log, configHash: configHash, checkpoint: nil, observer: observer,
            stopRequested: stopRequested, loadSeconds: seconds(started, loaded))
    }

    /// Training and everything after it, shared by `execute` and `resume`.
    func train(
        _ input: Input, directory: RunDirectory, log: MetricsLog, configHash: String, checkpoint: TrainingCheckpoint?,
        observer: TrainingObserver?, stopRequested: @escaping () -> Bool, loadSeconds: Double
    ) throws(TrainerError) -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let prepared = input.prepared
        let environment = RunEnvironment(directory: PathUtilities.directory(of: configPath))
        let trainer = Trainer(config: config, data: prepared)
        var summary = SummaryBuilder(config: config, configPath: configPath, dataPath: dataPath ?? directory.file(SyntheticData.dataFileName), data: prepared, directory: directory, environment: environment)
        summary.loadSeconds = loadSeconds
        let extras = SummaryExtras(missing: input.missing, resumedFromStep: checkpoint?.step)
        do {
            // A run killed during training still says what it was doing.
            try AtomicFile.write(extras.apply(to: summary.json(status: "running"), checkpointStep: checkpoint?.step).serialized(), to: directory.file("summary.json"))
        } catch {
            log.finish()
            throw .runFolder(error)
        }

        // Without a second observer the trainer calls the log directly (one call less per step).
        let observers: TrainingObserver = observer.map { FanOutObserver([log, $0]) } ?? log
        log.prepare(plannedSteps: trainer.plannedSteps, epochs: config.training.epochs)
        let supervisor = RunSupervisor(
            checkpointEvery: config.training.checkpointEvery, stopRequested: stopRequested, log: log,
            directory: directory, configHash: configHash)
        let trainStart = clock.now
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run(observer: observers, resumingFrom: checkpoint, supervisor: supervisor)
        } catch {
            log.finish()
            throw .internalError("training: \(error)")
        }
        log.finish()
        summary.trainSeconds = seconds(trainStart, clock.now)
        summary.outcome = outcome
        summary.epochs = log.epochRecords
        summary.plannedSteps = trainer.plannedSteps
        if let failure = supervisor.failure ?? log.writeFailure {
            // Training stopped at the failure. The folder says so (if it still can be written:
            // the disk may be full) as an interrupted run, which `trainer resume` continues
            // from its last checkpoint once the cause is fixed.
            let lastCheckpoint = supervisor.lastCheckpointStep ?? checkpoint?.step
            var stopped = outcome
            stopped.status = .interrupted
            stopped.stopReason = "writing the run folder failed at step \(outcome.steps) (\(failure)); "
                + (lastCheckpoint.map { "continue from the checkpoint at step \($0) with `trainer resume` once the cause is fixed" }
                    ?? "no checkpoint was written, so run it again once the cause is fixed")
            summary.outcome = stopped
            let json = extras.apply(to: summary.json(status: RunStatus.interrupted.rawValue), checkpointStep: lastCheckpoint)
            try? AtomicFile.write(json.serialized(), to: directory.file("summary.json"))
            throw .runFolder(failure)
        }

        // An interrupted run should exit promptly: the reference fit can take long, and the
        // resumed run computes it anyway.
        if outcome.status != .interrupted {
            let referenceStart = clock.now
            summary.reference = ReferenceComparison.compute(
                config: config, data: prepared, outcome: outcome, epochs: log.epochRecords,
                memo: referenceMemo.map { ($0, ReferenceMemo.key(config: config, dataPath: dataPath), String(directory.path.split(separator: "/").last ?? Substring(directory.path))) })
            summary.referenceSeconds = seconds(referenceStart, clock.now)
        }
        summary.synthetic = input.source.synthetic.map {
            SyntheticDataReport(data: $0, prepared: prepared, trainedParameters: outcome.parameters, referenceParameters: summary.reference?.solution?.parameters)
        }
        let diagnosis = Diagnosis.analyze(
            steps: log.stepRecords, epochs: log.epochRecords, outcome: outcome, reference: summary.reference,
            clipNorm: config.training.clipNorm)
        summary.diagnosis = diagnosis

        do {
            summary.final = try trainer.evaluate(outcome.parameters, epoch: outcome.epochsCompleted, step: outcome.steps)
            summary.finalGradNorm = try GradientClipping.l2Norm(prepared.train.valueAndGradient(outcome.parameters).gradient)
        } catch {
            throw .internalError("final evaluation: \(error)")
        }
        let model = SavedModel(
            kind: config.model.type, features: prepared.featureNames, target: prepared.targetName, classes: prepared.classes,
            parameters: outcome.parameters, fitsBias: config.model.bias, standardizer: prepared.standardizer,
            imputationMeans: input.imputer?.means)
        let modelJSON = model.json()
        summary.totalSeconds = seconds(started, clock.now) + loadSeconds
        let json = extras.apply(to: summary.json(status: outcome.status.rawValue), checkpointStep: supervisor.lastCheckpointStep ?? checkpoint?.step)
        do {
            try AtomicFile.write(modelJSON.serialized(), to: directory.file("model.json"))
            try AtomicFile.write(json.serialized(), to: directory.file("summary.json"))
            try RunArtifacts.write(RunRecord(
                directory: directory, config: config, status: outcome.status, outcome: outcome,
                steps: log.stepRecords, epochs: log.epochRecords, reference: summary.reference, diagnosis: diagnosis,
                summary: json))
        } catch {
            throw .runFolder(error)
        }
        var text = summary.text(status: outcome.status)
        if let step = checkpoint?.step { text += "\nresumed    from the checkpoint at step \(step)" }
        if input.missing.missingValues > 0 {
            text += "\nmissing    \(input.missing.missingValues) values (\(input.missing.policy.rawValue)), \(input.missing.droppedRows) rows dropped"
        }
        return Result(directory: directory, status: outcome.status, summary: json, text: text)
    }

    /// `config.json`: the resolved config, with `data.path` rewritten relative to the run folder
    /// so that `trainer run Runs/<name>/config.json` reads the same data and reproduces the run
    /// (synthetic data is regenerated from the same settings and seed). Returns the file's ``ConfigHash``, which checkpoints record.
    @discardableResult
    func writeResolvedConfig(into directory: RunDirectory) throws(RunFolderError) -> String {
        var resolved = config
        resolved.data.path = dataPath.map { PathUtilities.relative(from: directory.path, to: $0) }
        let text = resolved.resolvedJSON().serialized()
        try AtomicFile.write(text, to: directory.file("config.json"))
        return ConfigHash.of(text.utf8)
    }

    func seconds(_ a: ContinuousClock.Instant, _ b: ContinuousClock.Instant) -> Double {
        let d = b - a
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// Forwards the trainer's log to several observers (the files, the progress line).
final class FanOutObserver: TrainingObserver {
    let observers: [TrainingObserver]
    init(_ observers: [TrainingObserver]) { self.observers = observers }
    func trainerDidStep(_ record: StepRecord) { for o in observers { o.trainerDidStep(record) } }
    func trainerDidFinishEpoch(_ record: EpochRecord) { for o in observers { o.trainerDidFinishEpoch(record) } }
}
