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

    /// Runs everything and writes the run folder.
    public func execute(observer: TrainingObserver? = nil) throws(TrainerError) -> Result {
        let clock = ContinuousClock()
        let started = clock.now

        // The data source: the CSV at data.path, or generated data (saved in the run folder).
        let source = try DataSource.load(config: config, dataPath: dataPath)
        let dataset = source.dataset
        let loaded = clock.now
        let prepared: PreparedData
        do {
            prepared = try PreparedData(dataset: dataset, model: config.model, data: config.data, seed: config.seed)
        } catch {
            throw .internalError("preparing the data: \(error)")
        }
        if config.training.earlyStopping != nil && prepared.validation == nil {
            throw .config(ConfigError(file: configPath, path: "training.early_stopping", reason: "needs a validation split: set data.validation_fraction > 0"))
        }

        let directory: RunDirectory
        do {
            directory = try RunDirectory.create(runsDirectory: config.runsDir, name: config.name)
            try writeResolvedConfig(into: directory)
            if let synthetic = source.synthetic, let csv = source.syntheticCSV {
                try synthetic.write(csv: csv, into: directory)
            }
        } catch {
            throw .runFolder(error)
        }
        let environment = RunEnvironment(directory: PathUtilities.directory(of: configPath))
        let trainer = Trainer(config: config, data: prepared)
        var summary = SummaryBuilder(config: config, configPath: configPath, dataPath: dataPath ?? directory.file(SyntheticData.dataFileName), data: prepared, directory: directory, environment: environment)
        summary.loadSeconds = seconds(started, loaded)
        do {
            // A run killed during training still says what it was doing.
            try AtomicFile.write(summary.json(status: "running").serialized(), to: directory.file("summary.json"))
        } catch {
            throw .runFolder(error)
        }

        let log: MetricsLog
        do {
            log = try MetricsLog(directory: directory, kind: config.model.type, logEvery: config.training.logEvery)
        } catch {
            throw .runFolder(error)
        }
        let fanOut = FanOutObserver([log] + (observer.map { [$0] } ?? []))
        let trainStart = clock.now
        let outcome: TrainingOutcome
        do {
            outcome = try trainer.run(observer: fanOut)
        } catch {
            log.finish()
            throw .internalError("training: \(error)")
        }
        log.finish()
        summary.trainSeconds = seconds(trainStart, clock.now)
        summary.outcome = outcome
        summary.epochs = log.epochRecords
        summary.plannedSteps = trainer.plannedSteps

        let referenceStart = clock.now
        summary.reference = ReferenceComparison.compute(config: config, data: prepared, outcome: outcome, epochs: log.epochRecords)
        summary.referenceSeconds = seconds(referenceStart, clock.now)
        summary.synthetic = source.synthetic.map {
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
            kind: config.model.type, features: dataset.featureNames, target: dataset.targetName, classes: dataset.classes,
            parameters: outcome.parameters, fitsBias: config.model.bias, standardizer: prepared.standardizer)
        summary.totalSeconds = seconds(started, clock.now)
        let json = summary.json(status: outcome.status.rawValue)
        do {
            try AtomicFile.write(model.json().serialized(), to: directory.file("model.json"))
            try AtomicFile.write(json.serialized(), to: directory.file("summary.json"))
            try RunArtifacts.write(RunRecord(
                directory: directory, config: config, status: outcome.status, outcome: outcome,
                steps: log.stepRecords, epochs: log.epochRecords, reference: summary.reference, diagnosis: diagnosis,
                summary: json))
        } catch {
            throw .runFolder(error)
        }
        return Result(directory: directory, status: outcome.status, summary: json, text: summary.text(status: outcome.status))
    }

    /// `config.json`: the resolved config, with `data.path` rewritten relative to the run folder
    /// so that `trainer run Runs/<name>/config.json` reads the same data and reproduces the run
    /// (synthetic data is regenerated from the same settings and seed).
    func writeResolvedConfig(into directory: RunDirectory) throws(RunFolderError) {
        var resolved = config
        resolved.data.path = dataPath.map { PathUtilities.relative(from: directory.path, to: $0) }
        try AtomicFile.write(resolved.resolvedJSON().serialized(), to: directory.file("config.json"))
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
