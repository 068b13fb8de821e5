/// Receives the trainer's log as it is produced, so the run folder can stream it to disk.
public protocol TrainingObserver: AnyObject {
    func trainerDidStep(_ record: StepRecord)
    func trainerDidFinishEpoch(_ record: EpochRecord)
}

/// Mini-batch training of a linear model: the whole loop in one place.
///
/// Each optimizer step, top to bottom: accumulate the per-example gradients of k micro-batches,
/// normalise once by the examples seen, add the penalty gradient, measure the norm, check for
/// divergence, clip, step with the scheduled learning rate, log. An epoch visits every training
/// row once in a freshly shuffled order; its last accumulation window and its last micro-batch
/// may be short, and windows never span two epochs.
public struct Trainer {
    public let config: TrainerConfig
    public let data: PreparedData

    /// A loss this many times the first step's loss counts as divergence.
    public static let explosionFactor = 1e6

    public init(config: TrainerConfig, data: PreparedData) {
        self.config = config
        self.data = data
    }

    /// Micro-batch size (the whole training split for `"full"`).
    public var batchSize: Int {
        switch config.training.batchSize {
        case .full: return max(data.train.exampleCount, 1)
        case .size(let n): return n
        }
    }

    /// Optimizer steps in one epoch: ⌈⌈m / B⌉ / k⌉.
    public var stepsPerEpoch: Int {
        let batches = (data.train.exampleCount + batchSize - 1) / batchSize
        let k = config.training.accumulationSteps
        return (batches + k - 1) / k
    }

    /// Optimizer steps in the whole run (what the schedule spans).
    public var plannedSteps: Int {
        let total = stepsPerEpoch * config.training.epochs
        if let cap = config.training.maxSteps { return min(total, cap) }
        return total
    }

    /// Runs training from `initial` parameters (zeros when nil).
    public func run(initial: [Double]? = nil, observer: TrainingObserver? = nil) throws(LinearAlgebraError) -> TrainingOutcome {
        try run(initial: initial, observer: observer, resumingFrom: nil, supervisor: nil)
    }

    /// Runs training, optionally continuing from `checkpoint` and under a `supervisor` that can
    /// stop it between steps and receives checkpoints.
    ///
    /// Continuing from a checkpoint taken at step k of a run gives bit-for-bit the same steps
    /// k+1, k+2, … as that run would have taken: every piece of loop state is restored, the
    /// resumed epoch is not reshuffled, and nothing the loop does depends on wall time.
    /// `checkpoint` must come from a run with the same config and data (callers check the hash);
    /// mismatched sizes are reported as `CheckpointError`.
    public func run(
        initial: [Double]? = nil, observer: TrainingObserver? = nil,
        resumingFrom checkpoint: TrainingCheckpoint?, supervisor: TrainingSupervisor?
    ) throws(LinearAlgebraError) -> TrainingOutcome {
        let objective = data.train
        let training = config.training
        let n = objective.parameterCount
        let weightCount = objective.weightCount
        var theta = initial ?? [Double](repeating: 0, count: n)
        var optimizer = makeOptimizer(config.optimizer, parameterCount: n, weightCount: weightCount)
        let schedule = makeSchedule(config.schedule, baseLr: config.optimizer.lr, totalSteps: plannedSteps)
        var rng = SeededGenerator(seed: config.seed)
        var order = Array(0..<objective.exampleCount)
        let b = batchSize, k = training.accumulationSteps
        // Buffers reused by every step, so the loop allocates nothing per step.
        var workspace = objective.makeWorkspace(batchCapacity: b)
        // Large batches of large data: split in two parts, one per core (`BatchSplitter`).
        let batches = BatchSplitter(objective: objective, batchCapacity: b)
        defer { batches.finish() }
        var previous = theta, delta = theta

        var step = 0
        var firstLoss: Double?
        var skipped = 0, clipped = 0
        var bestValLoss = Double.infinity, bestTheta = theta, bestEpoch = 0, epochsWithoutImprovement = 0
        var outcome = TrainingOutcome(
            parameters: theta, status: .completed, stopReason: "completed \(training.epochs) epochs",
            steps: 0, epochsCompleted: 0, divergence: nil, skippedSteps: 0, clippedSteps: 0, restoredEpoch: nil)
        var gradient = [Double](repeating: 0, count: n)
        var firstEpoch = 1, resumePosition = 0, lastCheckpointStep = -1
        if let checkpoint {
            theta = checkpoint.parameters
            // The caller validated the checkpoint against this config and data (see
            // `CheckpointValidation`), so restore cannot fail here; if it somehow did, the
            // fresh optimizer state would make the run differ, never crash.
            try? optimizer.restore(checkpoint.optimizer)
            rng = SeededGenerator(state: checkpoint.rngState)
            order = checkpoint.order
            step = checkpoint.step
            firstLoss = checkpoint.firstLoss
            skipped = checkpoint.skippedSteps
            clipped = checkpoint.clippedSteps
            bestValLoss = checkpoint.bestValLoss
            bestTheta = checkpoint.bestParameters
            bestEpoch = checkpoint.bestEpoch
            epochsWithoutImprovement = checkpoint.epochsWithoutImprovement
            outcome.epochsCompleted = checkpoint.epochsCompleted
            firstEpoch = checkpoint.epoch
            resumePosition = checkpoint.position
            lastCheckpointStep = checkpoint.step
        }

        training: for epoch in firstEpoch...max(training.epochs, firstEpoch) where epoch <= training.epochs {
            var start = 0
            // `epoch` first: testing the optional checkpoint copied it, every epoch (~25 ns).
            if epoch == firstEpoch && checkpoint != nil {
                // The checkpoint was taken after this epoch's shuffle.
                start = resumePosition
            } else if training.shuffle {
                rng.shuffle(&order)
            }
            while start < order.count {
                if let supervisor {
                    let stop = supervisor.shouldStop()
                    let due = supervisor.checkpointEvery.map { step > 0 && step % $0 == 0 } ?? false
                    if stop || (due && step != lastCheckpointStep) {
                        lastCheckpointStep = step
                        supervisor.save(TrainingCheckpoint(
                            step: step, epoch: epoch, position: start, epochsCompleted: outcome.epochsCompleted,
                            order: order, rngState: rng.state, parameters: theta, optimizer: optimizer.state(),
                            firstLoss: firstLoss, skippedSteps: skipped, clippedSteps: clipped,
                            bestValLoss: bestValLoss, bestParameters: bestTheta, bestEpoch: bestEpoch,
                            epochsWithoutImprovement: epochsWithoutImprovement))
                    }
                    // A failed save makes the supervisor answer true from the next step on.
                    if stop {
                        outcome.status = .interrupted
                        outcome.stopReason = "interrupted at step \(step) (epoch \(epoch)); continue with `trainer resume`"
                        break training
                    }
                }
                if let cap = training.maxSteps, step >= cap {
                    outcome.stopReason = "reached training.max_steps = \(cap)"
                    break training
                }
                // Accumulate: Σᵢ ∇ℓᵢ over up to k micro-batches of this epoch.
                for i in gradient.indices { gradient[i] = 0 }
                var lossSum = 0.0, examples = 0
                for _ in 0..<k where start < order.count {
                    let end = min(start + b, order.count)
                    let rows = order[start..<end]
                    // The next micro-batch's rows are only a hint to start loading them early.
                    let upcoming = order[end..<min(end + b, order.count)]
                    lossSum += try batches.accumulate(
                        rows: rows, parameters: theta, into: &gradient, workspace: &workspace, upcoming: upcoming)
                    examples += rows.count
                    start = end
                }
                // Normalise once by the examples actually seen, then add the penalty.
                let scale = 1 / Double(examples)
                for i in gradient.indices { gradient[i] *= scale }
                objective.addPenaltyGradient(theta, to: &gradient)
                let loss = lossSum * scale + objective.penalty(theta)
                // Measure.
                let gradNorm = GradientClipping.l2Norm(gradient)
                let lr = schedule.lr(atStep: step)
                step += 1
                var record = StepRecord(
                    step: step, epoch: epoch, lr: lr, loss: loss, examples: examples,
                    gradNorm: gradNorm, clippedGradNorm: gradNorm, clipCoefficient: 1,
                    gradNormWeights: GradientClipping.l2Norm(gradient[0..<weightCount]),
                    gradNormBias: GradientClipping.l2Norm(gradient[weightCount...]),
                    updateNorm: 0, weightNorm: 0, skipped: false)
                // Divergence.
                if firstLoss == nil, loss.isFinite { firstLoss = loss }
                if let reason = divergenceReason(loss: loss, gradNorm: gradNorm, firstLoss: firstLoss) {
                    // θ is not stepped: the row carries its norm (measured after the step
                    // otherwise, so a normal step measures ‖θ‖ once).
                    record.weightNorm = GradientClipping.l2Norm(theta)
                    let report = DivergenceReport(
                        step: step, epoch: epoch, lr: lr, loss: loss, gradNorm: gradNorm, reason: reason,
                        hint: Self.divergenceHint(standardized: config.data.standardize))
                    let nonFinite = !loss.isFinite || !gradNorm.isFinite
                    if nonFinite && training.onNonfinite == .skip {
                        record.skipped = true
                        skipped += 1
                        observer?.trainerDidStep(record)
                        continue
                    }
                    outcome.status = nonFinite && training.onNonfinite == .error ? .failed : .diverged
                    observer?.trainerDidStep(record)
                    outcome.divergence = report
                    outcome.stopReason = "diverged at step \(step): \(reason)"
                    break training
                }
                // Clip.
                if let maxNorm = training.clipNorm {
                    let (_, coefficient) = GradientClipping.clipNorm(&gradient, maxNorm: maxNorm)
                    record.clipCoefficient = coefficient
                }
                if let limit = training.clipValue {
                    _ = GradientClipping.clipValue(&gradient, limit: limit)
                }
                if training.clipNorm != nil || training.clipValue != nil {
                    record.clippedGradNorm = GradientClipping.l2Norm(gradient)
                    if record.clippedGradNorm != gradNorm { clipped += 1 }
                }
                // Step.
                for i in 0..<n { previous[i] = theta[i] }
                optimizer.step(parameters: &theta, gradient: gradient, lr: lr)
                for i in 0..<n { delta[i] = theta[i] - previous[i] }
                record.updateNorm = GradientClipping.l2Norm(delta)
                record.weightNorm = GradientClipping.l2Norm(theta)
                // Log.
                observer?.trainerDidStep(record)
            }
            outcome.epochsCompleted = epoch
            let evaluationStart = ContinuousClock.now
            let epochRecord = try evaluate(theta, epoch: epoch, step: step)
            let evaluationTime = ContinuousClock.now - evaluationStart
            outcome.evaluationSeconds += Double(evaluationTime.components.seconds) + Double(evaluationTime.components.attoseconds) * 1e-18
            observer?.trainerDidFinishEpoch(epochRecord)

            if let early = training.earlyStopping, data.validation != nil {
                if epochRecord.valLoss < bestValLoss - early.minDelta {
                    bestValLoss = epochRecord.valLoss
                    bestTheta = theta
                    bestEpoch = epoch
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= early.patience {
                        outcome.stopReason = "early stopping: validation loss did not improve by more than \(early.minDelta) for \(early.patience) epochs (best \(format(bestValLoss)) at epoch \(bestEpoch))"
                        if early.restoreBest {
                            theta = bestTheta
                            outcome.restoredEpoch = bestEpoch
                        }
                        break training
                    }
                }
            }
        }
        outcome.parameters = theta
        outcome.steps = step
        outcome.skippedSteps = skipped
        outcome.clippedSteps = clipped
        return outcome
    }

    /// Why this step counts as divergence, or nil.
    func divergenceReason(loss: Double, gradNorm: Double, firstLoss: Double?) -> String? {
        if !loss.isFinite { return "the loss became \(format(loss))" }
        if !gradNorm.isFinite { return "the gradient norm became \(format(gradNorm))" }
        if let first = firstLoss, first > 0, loss > Self.explosionFactor * first {
            return "the loss \(format(loss)) exceeded 1e6 times its first value \(format(first))"
        }
        return nil
    }

    static func divergenceHint(standardized: Bool) -> String {
        var hint = "lower optimizer.lr (for full-batch linear regression gradient descent is stable only below 2/λ_max of the Hessian)"
        if !standardized { hint += ", or set data.standardize to true" }
        hint += ", or set training.clip_norm"
        return hint
    }

    /// One pass over the training and one over the validation split at θ: loss and metric
    /// (`LinearModelObjective.lossAndMetric`).
    public func evaluate(_ theta: [Double], epoch: Int, step: Int) throws(LinearAlgebraError) -> EpochRecord {
        let train = data.train
        let (trainMeanLoss, trainMetric) = try train.lossAndMetric(theta)
        let trainLoss = trainMeanLoss + train.penalty(theta)
        var valLoss = Double.nan, valMetric = Double.nan
        if let validation = data.validation {
            let (mean, metric) = try validation.lossAndMetric(theta)
            valLoss = mean + validation.penalty(theta)
            valMetric = metric
        }
        return EpochRecord(epoch: epoch, step: step, trainLoss: trainLoss, valLoss: valLoss, trainMetric: trainMetric, valMetric: valMetric)
    }
}

/// The optimizer a config asks for, over θ of `parameterCount` entries whose first
/// `weightCount` are weights.
public func makeOptimizer(_ config: OptimizerConfig, parameterCount: Int, weightCount: Int) -> any Optimizer {
    switch config.type {
    case .sgd:
        return SGD(
            parameterCount: parameterCount, weightCount: weightCount, momentum: config.momentum,
            dampening: config.dampening, nesterov: config.nesterov)
    case .adam:
        return Adam(
            parameterCount: parameterCount, weightCount: weightCount, beta1: config.beta1, beta2: config.beta2,
            eps: config.eps, amsgrad: config.amsgrad, decoupledWeightDecay: 0)
    case .adamw:
        return Adam(
            parameterCount: parameterCount, weightCount: weightCount, beta1: config.beta1, beta2: config.beta2,
            eps: config.eps, amsgrad: config.amsgrad, decoupledWeightDecay: config.weightDecay)
    }
}

/// The learning-rate schedule a config asks for, spanning `totalSteps` optimizer steps.
public func makeSchedule(_ config: ScheduleConfig, baseLr: Double, totalSteps: Int) -> LearningRateSchedule {
    let kind: LearningRateSchedule.Kind
    switch config.type {
    case .constant: kind = .constant
    case .step: kind = .step(stepSize: config.stepSize, gamma: config.gamma)
    case .exponential: kind = .exponential(gamma: config.gamma)
    case .cosine: kind = .cosine(minLr: config.minLr)
    }
    return LearningRateSchedule(kind: kind, baseLr: baseLr, warmupSteps: config.warmupSteps, totalSteps: totalSteps)
}
