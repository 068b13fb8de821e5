/// Checks that a checkpoint fits the config and data it is about to continue with, so that a
/// checkpoint from another run (or a hand-edited one) is refused with a reason instead of
/// indexing out of bounds in the training loop.
public enum CheckpointValidation {
    /// - Throws: `CheckpointError` naming the first mismatch.
    public static func check(_ c: TrainingCheckpoint, config: TrainerConfig, data: PreparedData) throws(CheckpointError) {
        let n = data.train.parameterCount
        let m = data.train.exampleCount
        guard c.parameters.count == n else {
            throw CheckpointError(reason: "parameters has \(c.parameters.count) entries, the model has \(n)")
        }
        guard c.bestParameters.count == n else {
            throw CheckpointError(reason: "early_stopping.best_parameters has \(c.bestParameters.count) entries, the model has \(n)")
        }
        guard c.order.count == m, Set(c.order).count == m, c.order.allSatisfy({ $0 < m }) else {
            throw CheckpointError(reason: "order is not a permutation of the \(m) training rows")
        }
        guard c.epoch >= 1, c.epoch <= config.training.epochs else {
            throw CheckpointError(reason: "epoch \(c.epoch) is outside 1…\(config.training.epochs)")
        }
        guard c.position < m, c.epochsCompleted == c.epoch - 1 else {
            throw CheckpointError(reason: "position \(c.position) / epochs_completed \(c.epochsCompleted) do not fit epoch \(c.epoch)")
        }
        var optimizer = makeOptimizer(config.optimizer, parameterCount: n, weightCount: data.train.weightCount)
        do {
            try optimizer.restore(c.optimizer)
        } catch {
            throw CheckpointError(reason: "optimizer: \(error)")
        }
    }
}
