/// Lets the caller of `Trainer.run` stop training between steps and receive checkpoints.
///
/// The trainer asks once per optimizer step, at the top of the loop, so a stop always falls
/// between two complete steps and the checkpoint it writes describes a consistent state.
public protocol TrainingSupervisor: AnyObject {
    /// Steps between periodic checkpoints; `nil` for checkpoints only on a stop.
    var checkpointEvery: Int? { get }
    /// Whether training should stop now (polled once per step).
    func shouldStop() -> Bool
    /// Receives a checkpoint to persist. A failure to persist is the supervisor's to report;
    /// it should then ask the trainer to stop.
    func save(_ checkpoint: TrainingCheckpoint)
}
