import Foundation
import Testing
@testable import TrainerCore

/// Training N steps in one go must equal training to step k, stopping, and resuming from the
/// checkpoint: bit-identical parameters and identical log records.
@Suite(.serialized)
struct ResumeTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Stops the run at the top of the step after `step`, and keeps every checkpoint it is given.
    final class StopAfter: TrainingSupervisor {
        let stopAfter: Int?
        let checkpointEvery: Int?
        var polls = 0
        var saved: [TrainingCheckpoint] = []
        init(step: Int?, every: Int? = nil) { stopAfter = step; checkpointEvery = every }
        // Polled once per step, at its top: poll i happens with i - 1 steps done.
        func shouldStop() -> Bool {
            polls += 1
            return stopAfter.map { polls == $0 + 1 } ?? false
        }
        func save(_ checkpoint: TrainingCheckpoint) { saved.append(checkpoint) }
    }

    final class Recorder: TrainingObserver {
        var steps: [StepRecord] = []
        var epochs: [EpochRecord] = []
        func trainerDidStep(_ record: StepRecord) { steps.append(record) }
        func trainerDidFinishEpoch(_ record: EpochRecord) { epochs.append(record) }
    }

    static func iris(_ edit: (inout TrainerConfig) -> Void) throws -> Trainer {
        let path = packageRoot.appendingPathComponent("Datasets/iris.csv").path
        let dataset = try DatasetLoader.load(path: path, target: "species", features: nil, kind: .softmax)
        var config = TrainerConfig.withDefaults(
            name: "resume", data: .withDefaults(path: path, target: "species"),
            model: ModelConfig(type: .softmax, bias: true, l2: 0.001, l1: 0))
        config.seed = 7
        edit(&config)
        let data = try PreparedData(dataset: dataset, model: config.model, data: config.data, seed: config.seed)
        return Trainer(config: config, data: data)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var stopAt: Int
        var expectEpoch: Int
        var expectPosition: Int
        var edit: @Sendable (inout TrainerConfig) -> Void
    }

    // 120 training rows; batch 8 × 3 accumulated → 5 steps per epoch, 24 rows per step.
    static let cases: [Case] = [
        Case(description: "sgd nesterov momentum, accumulation 3, mid-epoch", stopAt: 12, expectEpoch: 3, expectPosition: 48) {
            $0.optimizer.momentum = 0.9
            $0.optimizer.nesterov = true
            $0.optimizer.lr = 0.05
            $0.training.batchSize = .size(8)
            $0.training.accumulationSteps = 3
            $0.training.epochs = 6
            $0.training.clipNorm = 0.5
        },
        Case(description: "adam amsgrad, cosine, early stopping, mid-epoch", stopAt: 23, expectEpoch: 5, expectPosition: 72) {
            $0.optimizer.type = .adam
            $0.optimizer.amsgrad = true
            $0.optimizer.lr = 0.03
            $0.schedule.type = .cosine
            $0.schedule.warmupSteps = 4
            $0.training.batchSize = .size(8)
            $0.training.accumulationSteps = 3
            $0.training.epochs = 9
            $0.training.earlyStopping = EarlyStoppingConfig(patience: 50, minDelta: 0, restoreBest: true)
        },
        Case(description: "adamw at an epoch boundary", stopAt: 10, expectEpoch: 3, expectPosition: 0) {
            $0.optimizer.type = .adamw
            $0.training.batchSize = .size(8)
            $0.training.accumulationSteps = 3
            $0.training.epochs = 4
        },
    ]

    @Test(arguments: cases)
    func stoppingAndResumingEqualsOneRun(_ c: Case) throws {
        let trainer = try Self.iris(c.edit)
        let whole = Recorder()
        let reference = try trainer.run(observer: whole, resumingFrom: nil, supervisor: StopAfter(step: nil))
        #expect(reference.status == .completed)
        #expect(reference.steps > c.stopAt)

        let first = Recorder(), stopper = StopAfter(step: c.stopAt)
        let stopped = try trainer.run(observer: first, resumingFrom: nil, supervisor: stopper)
        #expect(stopped.status == .interrupted)
        #expect(stopped.steps == c.stopAt)
        let checkpoint = try #require(stopper.saved.last)
        #expect(stopper.saved.count == 1)
        #expect(checkpoint.step == c.stopAt)
        #expect(checkpoint.epoch == c.expectEpoch)
        #expect(checkpoint.position == c.expectPosition)

        // Through the file format, as `trainer resume` reads it.
        let text = checkpoint.json().serialized(pretty: false)
        let reread = try TrainingCheckpoint(json: JSONValue.parse(text))
        #expect(reread == checkpoint)
        #expect(reread.parameters.map(\.bitPattern) == checkpoint.parameters.map(\.bitPattern))

        let second = Recorder()
        let resumed = try trainer.run(observer: second, resumingFrom: reread, supervisor: StopAfter(step: nil))
        #expect(resumed.status == .completed)
        #expect(resumed.steps == reference.steps)
        #expect(resumed.epochsCompleted == reference.epochsCompleted)
        #expect(resumed.restoredEpoch == reference.restoredEpoch)
        #expect(resumed.parameters.map(\.bitPattern) == reference.parameters.map(\.bitPattern))
        #expect(first.steps + second.steps == whole.steps)
        #expect(first.epochs + second.epochs == whole.epochs)
    }

    @Test func periodicCheckpointsDoNotChangeTheRun() throws {
        let edit: @Sendable (inout TrainerConfig) -> Void = { $0.training.epochs = 3; $0.training.batchSize = .size(16) }
        let plain = try Self.iris(edit).run()
        let supervisor = StopAfter(step: nil, every: 4)
        let checkpointed = try Self.iris(edit).run(resumingFrom: nil, supervisor: supervisor)
        #expect(checkpointed.parameters.map(\.bitPattern) == plain.parameters.map(\.bitPattern))
        // 8 steps per epoch, 24 steps: checkpoints at 4, 8, …, 20 (step 24 ends the run).
        #expect(supervisor.saved.map(\.step) == [4, 8, 12, 16, 20])
    }

    @Test func checkpointWithNonFiniteValuesRoundTripsExactly() throws {
        var checkpoint = TrainingCheckpoint(
            step: 3, epoch: 1, position: 2, epochsCompleted: 0, order: [2, 0, 1],
            rngState: (UInt64.max, 1, 0x8000_0000_0000_0000, 12_345_678_901_234_567_890),
            parameters: [0.1, -0.0, 5e-324, .infinity], optimizer: OptimizerState(stepCount: 3, buffers: ["exp_avg": [.nan, 1e308, -2.5]]),
            firstLoss: nil, skippedSteps: 1, clippedSteps: 2, bestValLoss: .infinity, bestParameters: [1, 2, 3, 4],
            bestEpoch: 0, epochsWithoutImprovement: 0)
        checkpoint.configHash = ConfigHash.of(Array("{}".utf8))
        let reread = try TrainingCheckpoint(json: JSONValue.parse(checkpoint.json().serialized()))
        #expect(reread.parameters.map(\.bitPattern) == checkpoint.parameters.map(\.bitPattern))
        #expect(reread.rngState == checkpoint.rngState)
        #expect(reread.optimizer.buffers["exp_avg"]?[0].isNaN == true)
        #expect(reread.optimizer.buffers["exp_avg"]?[1] == 1e308)
        #expect(reread.bestValLoss == .infinity)
        #expect(reread.firstLoss == nil)
        #expect(reread.configHash == "fnv1a64:08f44b07b5901a25")
    }

    @Test func malformedCheckpointsNameTheField() throws {
        let error = try #require(throws: CheckpointError.self) {
            _ = try TrainingCheckpoint(json: JSONValue.parse(#"{"format_version": 1, "rng_state": ["1", "2", "3"]}"#))
        }
        #expect(error.reason == "rng_state: expected 4 words, found 3")
        let version = try #require(throws: CheckpointError.self) {
            _ = try TrainingCheckpoint(json: JSONValue.parse(#"{"format_version": 2}"#))
        }
        #expect(version.reason == "format_version 2 is not supported (expected 1)")
    }
}
