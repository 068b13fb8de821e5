import Testing
@testable import TrainerCore

/// The training loop's contracts: accumulation equivalence, determinism, divergence handling,
/// early stopping, max_steps and the schedule's step counting.
struct TrainingLoopTests {
    /// A synthetic dataset of `rows` rows (not a multiple of the batch sizes used below).
    static func dataset(kind: ModelKind, rows: Int = 203, features: Int = 5, seed: UInt64 = 3) throws -> Dataset {
        var rng = SeededGenerator(seed: seed)
        var x = Matrix(rows: rows, columns: features)
        for i in x.values.indices { x.values[i] = rng.nextGaussian() * 2 + 1 }
        let w = (0..<features).map { Double($0) - 1.5 }
        var y: [Double] = []
        for i in 0..<rows {
            var z = 0.5
            for j in 0..<features { z += x[i, j] * w[j] }
            switch kind {
            case .linear: y.append(z + rng.nextGaussian())
            case .logistic: y.append(rng.nextUnitDouble() < LogisticLoss.sigmoid(z) ? 1 : 0)
            case .softmax: y.append(Double(Int(abs(z + rng.nextGaussian())) % 3))
            }
        }
        let classes: [String]? = kind == .linear ? nil : (kind == .logistic ? ["0", "1"] : ["a", "b", "c"])
        return Dataset(featureNames: (0..<features).map { "x\($0)" }, features: x, targetName: "y", targets: y, classes: classes, sourcePath: "synthetic")
    }

    static func config(kind: ModelKind, configure: (inout TrainerConfig) -> Void = { _ in }) -> TrainerConfig {
        var c = TrainerConfig.withDefaults(
            name: "test", data: .withDefaults(path: "unused.csv", target: "y"), model: .withDefaults(type: kind))
        c.model.l2 = 0.01
        c.seed = 11
        configure(&c)
        return c
    }

    static func train(_ config: TrainerConfig, _ dataset: Dataset) throws -> TrainingOutcome {
        let data = try PreparedData(dataset: dataset, model: config.model, data: config.data, seed: config.seed)
        return try Trainer(config: config, data: data).run()
    }

    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        var diff = a
        for i in diff.indices { diff[i] -= b[i] }
        return GradientClipping.l2Norm(diff) / GradientClipping.l2Norm(b)
    }

    @Test(arguments: ModelKind.allCases, [OptimizerType.sgd, .adam])
    func accumulatingFourBatchesOfBEqualsOneBatchOf4B(kind: ModelKind, optimizer: OptimizerType) throws {
        let data = try Self.dataset(kind: kind)
        // 203 training-set rows·0.8 = 162 rows: divisible by neither 7 nor 28.
        let accumulated = Self.config(kind: kind) {
            $0.training.batchSize = .size(7)
            $0.training.accumulationSteps = 4
            $0.training.epochs = 6
            $0.optimizer.type = optimizer
            $0.optimizer.momentum = optimizer == .sgd ? 0.9 : 0
        }
        var single = accumulated
        single.training.batchSize = .size(28)
        single.training.accumulationSteps = 1
        let a = try Self.train(accumulated, data), b = try Self.train(single, data)
        #expect(a.steps == b.steps)
        #expect(a.steps == 6 * 6, "162 rows in windows of 28 → 6 steps per epoch, got \(a.steps)")
        let difference = Self.relativeDifference(a.parameters, b.parameters)
        #expect(difference < 1e-12, "relative difference \(difference)")
        #expect(a.parameters != [Double](repeating: 0, count: a.parameters.count), "training moved the weights")
    }

    @Test(arguments: ModelKind.allCases)
    func sameConfigAndSeedGiveTheSameBits(kind: ModelKind) throws {
        let data = try Self.dataset(kind: kind)
        let config = Self.config(kind: kind) {
            $0.training.epochs = 5
            $0.optimizer.type = .adam
            $0.training.clipNorm = 0.5
        }
        let a = try Self.train(config, data), b = try Self.train(config, data)
        #expect(a.parameters == b.parameters)
        var other = config
        other.seed = 12
        let c = try Self.train(other, data)
        #expect(c.parameters != a.parameters, "a different seed shuffles differently")
    }

    @Test func explodingLearningRateStopsAsDivergedWithTheStep() throws {
        let data = try Self.dataset(kind: .linear)
        let config = Self.config(kind: .linear) {
            $0.optimizer.lr = 50
            $0.data.standardize = false
            $0.training.batchSize = .full
            $0.training.epochs = 500
        }
        let outcome = try Self.train(config, data)
        #expect(outcome.status == .diverged)
        let report = try #require(outcome.divergence)
        #expect(report.step == outcome.steps)
        #expect(report.step > 1 && report.step < 500)
        #expect(report.lr == 50)
        #expect(report.hint.contains("lower optimizer.lr"))
        #expect(report.hint.contains("data.standardize"))
    }

    /// Features of size 1e160 overflow the scores at the second step: the loss becomes inf
    /// before any finite explosion could be seen.
    static func overflowingDataset() throws -> Dataset {
        var data = try dataset(kind: .linear, rows: 50)
        for i in data.features.values.indices { data.features.values[i] *= 1e160 }
        return data
    }

    /// Full-batch linear training on `overflowingDataset` (unstandardized, so the overflow
    /// stays) for `epochs` one-step epochs under `policy`.
    static func overflowingConfig(epochs: Int, onNonfinite policy: NonFinitePolicy) -> TrainerConfig {
        config(kind: .linear) {
            $0.data.standardize = false
            $0.training.batchSize = .full
            $0.training.epochs = epochs
            $0.training.onNonfinite = policy
        }
    }

    @Test(arguments: [NonFinitePolicy.stop, .error])
    func nonFiniteLossStopsOrFailsTheRun(policy: NonFinitePolicy) throws {
        let config = Self.overflowingConfig(epochs: 10, onNonfinite: policy)
        let outcome = try Self.train(config, try Self.overflowingDataset())
        #expect(outcome.status == (policy == .error ? .failed : .diverged))
        let report = try #require(outcome.divergence)
        #expect(report.step == 2)
        #expect(report.reason.contains("inf") || report.reason.contains("nan"), "\(report.reason)")
    }

    @Test func nonFiniteSkipPolicySkipsTheUpdatesAndFinishes() throws {
        let config = Self.overflowingConfig(epochs: 10, onNonfinite: .skip)
        let outcome = try Self.train(config, try Self.overflowingDataset())
        #expect(outcome.status == .completed)
        #expect(outcome.steps == 10)
        #expect(outcome.skippedSteps == 9, "every step after the first sees an infinite loss")
    }

    final class StepRows: TrainingObserver {
        var steps: [StepRecord] = []
        func trainerDidStep(_ record: StepRecord) { steps.append(record) }
        func trainerDidFinishEpoch(_ record: EpochRecord) {}
    }

    /// A step that is not taken (skipped, or the one that diverges) still logs ‖θ‖: θ as the
    /// previous step left it. Taken steps log it after the update.
    @Test(arguments: [NonFinitePolicy.skip, .stop])
    func stepsNotTakenLogTheWeightNormOfTheUnchangedParameters(policy: NonFinitePolicy) throws {
        let config = Self.overflowingConfig(epochs: 4, onNonfinite: policy)
        let dataset = try Self.overflowingDataset()
        let data = try PreparedData(dataset: dataset, model: config.model, data: config.data, seed: config.seed)
        let rows = StepRows()
        let outcome = try Trainer(config: config, data: data).run(observer: rows)
        #expect(rows.steps.count == (policy == .skip ? 4 : 2))
        let first = try #require(rows.steps.first)
        #expect(!first.skipped && first.weightNorm > 0 && first.weightNorm.isFinite)
        for record in rows.steps.dropFirst() {
            #expect(record.weightNorm.bitPattern == first.weightNorm.bitPattern, "step \(record.step)")
        }
        #expect(GradientClipping.l2Norm(outcome.parameters).bitPattern == first.weightNorm.bitPattern)
    }

    @Test func maxStepsCapsTheRun() throws {
        let data = try Self.dataset(kind: .logistic)
        let config = Self.config(kind: .logistic) {
            $0.training.maxSteps = 17
            $0.training.batchSize = .size(10)
        }
        let outcome = try Self.train(config, data)
        #expect(outcome.steps == 17)
        #expect(outcome.stopReason.contains("max_steps"))
        #expect(outcome.status == .completed)
    }

    @Test func earlyStoppingRestoresTheBestEpoch() throws {
        let data = try Self.dataset(kind: .logistic, rows: 120)
        let config = Self.config(kind: .logistic) {
            $0.model.l2 = 0
            $0.optimizer.lr = 2
            $0.training.epochs = 500
            $0.training.earlyStopping = EarlyStoppingConfig(patience: 3, minDelta: 0, restoreBest: true)
        }
        let prepared = try PreparedData(dataset: data, model: config.model, data: config.data, seed: config.seed)
        let outcome = try Trainer(config: config, data: prepared).run()
        #expect(outcome.stopReason.contains("early stopping"))
        #expect(outcome.epochsCompleted < 500)
        let best = try #require(outcome.restoredEpoch)
        #expect(best == outcome.epochsCompleted - 3)
    }

    @Test func stepsPerEpochCountOptimizerStepsWithAccumulation() throws {
        let data = try Self.dataset(kind: .linear)
        let config = Self.config(kind: .linear) {
            $0.training.batchSize = .size(10)
            $0.training.accumulationSteps = 3
            $0.training.epochs = 4
        }
        let prepared = try PreparedData(dataset: data, model: config.model, data: config.data, seed: config.seed)
        let trainer = Trainer(config: config, data: prepared)
        // 162 rows → 17 micro-batches → ⌈17/3⌉ = 6 optimizer steps per epoch.
        #expect(prepared.trainRows.count == 162)
        #expect(trainer.stepsPerEpoch == 6)
        #expect(trainer.plannedSteps == 24)
    }

    @Test func l1DrivesIrrelevantWeightsTowardZero() throws {
        let data = try Self.dataset(kind: .linear)
        let plain = Self.config(kind: .linear) { $0.model.l2 = 0; $0.training.epochs = 30 }
        var lasso = plain
        lasso.model.l1 = 0.5
        let a = try Self.train(plain, data), b = try Self.train(lasso, data)
        let weights = 5
        let l1a = a.parameters[0..<weights].map(abs).reduce(0, +), l1b = b.parameters[0..<weights].map(abs).reduce(0, +)
        #expect(l1b < l1a, "‖w‖₁ with L1 \(l1b) vs without \(l1a)")
        #expect(b.parameters[weights] != 0, "the bias is not penalised")
    }
}
