import Foundation

extension TrainingRun {
    /// `trainer resume RUN`: continues an interrupted (or killed) run in its own folder from its
    /// `checkpoint.json`.
    ///
    /// The config is the run folder's `config.json` (its hash must match the checkpoint's), the
    /// data is reloaded from the path recorded there, `metrics.csv` and `epochs.csv` are cut back
    /// to the rows the checkpoint counted, and training continues with exactly the state it had:
    /// the finished run is bit-identical to one that was never interrupted.
    ///
    /// - Throws: `TrainerError.config` for a folder that is not a resumable run (no checkpoint,
    ///   already finished, config edited, checkpoint not matching the data);
    ///   `TrainerError.runFolder(.inUse)` while another process runs or resumes it.
    /// - Parameter observer: called once the run's config and checkpoint are read, with the
    ///   run's number of epochs and the epoch training continues in; what it returns watches
    ///   the training (the CLI's progress line).
    public static func resume(
        runFolder: String, observer makeObserver: (_ epochs: Int, _ resumedEpoch: Int) -> TrainingObserver? = { _, _ in nil },
        stopRequested: @escaping () -> Bool = { false }
    ) throws(TrainerError) -> Result {
        let clock = ContinuousClock()
        let started = clock.now
        let directory = RunDirectory(path: runFolder)
        let configFile = directory.file("config.json")
        let checkpointFile = directory.file("checkpoint.json")
        func refuse(_ file: String, _ reason: String) -> TrainerError {
            .config(ConfigError(file: file, reason: reason))
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runFolder, isDirectory: &isFolder), isFolder.boolValue else {
            throw refuse(runFolder, "no such run folder")
        }
        // Before anything is read: two resumes of one folder would both cut its logs back.
        let lock: RunFolderLock
        do {
            lock = try RunFolderLock(folder: runFolder)
        } catch {
            throw .runFolder(error)
        }
        defer { withExtendedLifetime(lock) {} }
        if let data = FileManager.default.contents(atPath: directory.file("summary.json")),
           let summary = try? JSONValue.parse(utf8: Array(data)),
           case .string(let status)? = summary["status"], status != "running", status != RunStatus.interrupted.rawValue {
            throw refuse(directory.file("summary.json"), "nothing to resume: the run already ended with status \"\(status)\"")
        }
        guard let checkpointBytes = FileManager.default.contents(atPath: checkpointFile) else {
            throw refuse(checkpointFile, "no checkpoint to resume from (a run writes one when interrupted, or every training.checkpoint_every steps)")
        }
        let checkpoint: TrainingCheckpoint
        do {
            checkpoint = try TrainingCheckpoint(json: JSONValue.parse(utf8: Array(checkpointBytes)))
        } catch let error as JSONParseError {
            throw refuse(checkpointFile, "\(error.line):\(error.column): \(error.reason)")
        } catch let error as CheckpointError {
            throw refuse(checkpointFile, error.reason)
        } catch {
            throw refuse(checkpointFile, "\(error)")
        }
        guard let configBytes = FileManager.default.contents(atPath: configFile) else {
            throw refuse(configFile, "cannot read the run's config.json")
        }
        guard ConfigHash.of(configBytes) == checkpoint.configHash else {
            throw refuse(configFile, "config.json was changed since the checkpoint was written (hash \(ConfigHash.of(configBytes)), checkpoint has \(checkpoint.configHash)); resuming would not continue the same run")
        }
        let run = try TrainingRun(configArgument: configFile)
        let input = try run.loadInput()
        let loaded = clock.now
        do {
            try CheckpointValidation.check(checkpoint, config: run.config, data: input.prepared)
        } catch {
            throw refuse(checkpointFile, "does not match the run's data: \(error.reason)")
        }
        let log: MetricsLog
        do {
            log = try MetricsLog(resuming: directory, kind: run.config.model.type, logEvery: run.config.training.logEvery, checkpoint: checkpoint)
        } catch {
            throw .runFolder(error)
        }
        return try run.train(
            input, directory: directory, log: log, configHash: checkpoint.configHash, checkpoint: checkpoint,
            observer: makeObserver(run.config.training.epochs, checkpoint.epoch), stopRequested: stopRequested,
            loadSeconds: run.seconds(started, loaded))
    }
}
