/// The run folder's side of checkpointing: decides nothing about the loop, but persists each
/// checkpoint atomically next to the log it describes, and relays a stop request.
final class RunSupervisor: TrainingSupervisor {
    let checkpointEvery: Int?
    private let stopRequested: () -> Bool
    private let log: MetricsLog
    private let directory: RunDirectory
    private let configHash: String
    /// The step of the last checkpoint written, if any.
    private(set) var lastCheckpointStep: Int?
    /// The first failure to write a checkpoint; training is then stopped and the run fails.
    private(set) var failure: RunFolderError?

    init(checkpointEvery: Int?, stopRequested: @escaping () -> Bool, log: MetricsLog, directory: RunDirectory, configHash: String) {
        self.checkpointEvery = checkpointEvery
        self.stopRequested = stopRequested
        self.log = log
        self.directory = directory
        self.configHash = configHash
    }

    /// True once a stop was requested or the run folder cannot be written: a log that has
    /// stopped growing would make every further step unrecorded work.
    func shouldStop() -> Bool {
        failure != nil || log.hasWriteFailure || stopRequested()
    }

    func save(_ checkpoint: TrainingCheckpoint) {
        guard failure == nil else { return }
        var checkpoint = checkpoint
        // The log is flushed first, so the rows the checkpoint counts are on disk before it is.
        let position = log.flushForCheckpoint()
        if let failure = log.writeFailure {
            // The checkpoint would count rows that are not in the files.
            self.failure = failure
            return
        }
        checkpoint.metricsRows = position.metricsRows
        checkpoint.lastLoggedStep = position.lastLoggedStep
        checkpoint.epochRows = position.epochRows
        checkpoint.configHash = configHash
        do {
            try AtomicFile.write(checkpoint.json().serialized(pretty: false), to: directory.file("checkpoint.json"))
            lastCheckpointStep = checkpoint.step
        } catch {
            failure = error
        }
    }
}
