import Foundation
import Testing
@testable import TrainerCore

@Suite struct ConfigLoadingTests {
    @Test func defaultsAreFilledIn() throws {
        let config = try parseConfig(minimalConfigJSON)
        #expect(config.name == "x")
        #expect(config.seed == 0)
        #expect(config.runsDir == "Runs")
        #expect(config.data == DataConfig(path: "data.csv", target: "y", features: nil, validationFraction: 0.2, standardize: true))
        #expect(config.model == ModelConfig(type: .linear, bias: true, l2: 0, l1: 0))
        #expect(config.optimizer == OptimizerConfig(type: .sgd, lr: 0.01, momentum: 0, dampening: 0, nesterov: false, beta1: 0.9, beta2: 0.999, eps: 1e-8, amsgrad: false, weightDecay: 0.01))
        #expect(config.schedule == ScheduleConfig(type: .constant, stepSize: 10, gamma: 0.1, minLr: 0, warmupSteps: 0))
        #expect(config.training == TrainingConfig(epochs: 100, batchSize: .size(32), shuffle: true, clipNorm: nil, clipValue: nil, accumulationSteps: 1, onNonfinite: .stop, earlyStopping: nil, maxSteps: nil, logEvery: 1))
        #expect(config.compare == CompareConfig(reference: true))
        #expect(config.solver == SolverConfig(method: .auto, maxIterations: 100, tolerance: 1e-10))
    }

    @Test func staticDefaultsComeFromTheSchema() {
        #expect(OptimizerConfig.defaults.lr == 0.01)
        #expect(OptimizerConfig.defaults.weightDecay == 0.01)
        #expect(ScheduleConfig.defaults.stepSize == 10)
        #expect(TrainingConfig.defaults.batchSize == .size(32))
        #expect(TrainingConfig.defaults.earlyStopping == nil)
        #expect(EarlyStoppingConfig.defaults == EarlyStoppingConfig(patience: 10, minDelta: 0, restoreBest: true))
        #expect(CompareConfig.defaults.reference == true)
        #expect(SolverConfig.defaults.tolerance == 1e-10)
        #expect(DataConfig.withDefaults(path: "a.csv", target: "t") == DataConfig(path: "a.csv", target: "t", features: nil, validationFraction: 0.2, standardize: true))
        #expect(ModelConfig.withDefaults(type: .softmax) == ModelConfig(type: .softmax, bias: true, l2: 0, l1: 0))
    }

    @Test func withDefaultsMatchesParsingTheMinimalConfig() throws {
        let built = TrainerConfig.withDefaults(
            name: "x",
            data: .withDefaults(path: "data.csv", target: "y"),
            model: .withDefaults(type: .linear)
        )
        #expect(built == (try parseConfig(minimalConfigJSON)))
    }

    @Test func everyKeyCanBeSet() throws {
        let text = """
        {
          "name": "full-run",
          "seed": 9007199254740991,
          "runs_dir": "Out/runs",
          "data": {"path": "d.csv", "target": "label", "features": ["a", "b"], "validation_fraction": 0,
                   "standardize": false},
          "model": {"type": "softmax", "bias": false, "l2": 0.5, "l1": 0.25},
          "optimizer": {"type": "adamw", "lr": 0.003, "momentum": 0.9, "dampening": 0, "nesterov": true,
                        "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "amsgrad": true, "weight_decay": 0},
          "schedule": {"type": "cosine", "step_size": 3.0, "gamma": 1, "min_lr": 1e-5, "warmup_steps": 20},
          "training": {"epochs": 7, "batch_size": "full", "shuffle": false, "clip_norm": 1.5, "clip_value": 0.5,
                       "accumulation_steps": 4, "on_nonfinite": "skip",
                       "early_stopping": {"patience": 2, "min_delta": 0.001, "restore_best": false},
                       "max_steps": 1000, "log_every": 5},
          "compare": {"reference": false},
          "solver": {"method": "svd", "max_iterations": 50, "tolerance": 1e-12}
        }
        """
        let config = try parseConfig(text)
        #expect(config.name == "full-run")
        #expect(config.seed == 9_007_199_254_740_991)
        #expect(config.runsDir == "Out/runs")
        #expect(config.data == DataConfig(path: "d.csv", target: "label", features: ["a", "b"], validationFraction: 0, standardize: false))
        #expect(config.model == ModelConfig(type: .softmax, bias: false, l2: 0.5, l1: 0.25))
        #expect(config.optimizer == OptimizerConfig(type: .adamw, lr: 0.003, momentum: 0.9, dampening: 0, nesterov: true, beta1: 0.8, beta2: 0.99, eps: 1e-6, amsgrad: true, weightDecay: 0))
        #expect(config.schedule == ScheduleConfig(type: .cosine, stepSize: 3, gamma: 1, minLr: 1e-5, warmupSteps: 20))
        #expect(config.training == TrainingConfig(
            epochs: 7, batchSize: .full, shuffle: false, clipNorm: 1.5, clipValue: 0.5, accumulationSteps: 4,
            onNonfinite: .skip, earlyStopping: EarlyStoppingConfig(patience: 2, minDelta: 0.001, restoreBest: false),
            maxSteps: 1000, logEvery: 5))
        #expect(config.compare == CompareConfig(reference: false))
        #expect(config.solver == SolverConfig(method: .svd, maxIterations: 50, tolerance: 1e-12))
    }

    @Test func emptyEarlyStoppingObjectMeansDefaults() throws {
        let config = try parseConfig(withKey("training", "early_stopping", "{}"))
        #expect(config.training.earlyStopping == EarlyStoppingConfig(patience: 10, minDelta: 0, restoreBest: true))
        #expect(try parseConfig(withKey("training", "early_stopping", "null")).training.earlyStopping == nil)
    }

    @Test func nullableKeysAcceptNull() throws {
        let config = try parseConfig(#"""
        {"data": {"path": "d.csv", "target": "y", "features": null}, "model": {"type": "logistic"},
         "training": {"clip_norm": null, "clip_value": null, "max_steps": null}}
        """#)
        #expect(config.data.features == nil)
        #expect(config.training.clipNorm == nil)
        #expect(config.training.maxSteps == nil)
        #expect(config.model.type == .logistic)
    }

    @Test func integerKeysAcceptIntegralNumbers() throws {
        #expect(try parseConfig(withKey("training", "epochs", "3.0")).training.epochs == 3)
        #expect(try parseConfig(withKey("training", "epochs", "3")).training.epochs == 3)
        #expect(try parseConfig(withKey("training", "epochs", "1e2")).training.epochs == 100)
        #expect(try parseConfig(withKey("training", "batch_size", "64.0")).training.batchSize == .size(64))
    }

    // MARK: - Files

    private func temporaryFile(named name: String, contents: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func loadNamesTheRunAfterTheFile() throws {
        let path = try temporaryFile(named: "my_linear.json", contents: minimalConfigJSON)
        let config = try TrainerConfig.load(path: path)
        #expect(config.name == "my_linear")
        #expect(config.data.path == "data.csv")
        let named = try temporaryFile(named: "other.json", contents: withKey("", "name", #""explicit""#))
        #expect(try TrainerConfig.load(path: named).name == "explicit")
    }

    @Test func loadAppliesOverrides() throws {
        let path = try temporaryFile(named: "base.json", contents: minimalConfigJSON)
        let config = try TrainerConfig.load(path: path, overrides: ["optimizer.lr=0.5", "model.type=softmax"])
        #expect(config.optimizer.lr == 0.5)
        #expect(config.model.type == .softmax)
    }

    @Test func missingFileReportsTheOSReason() {
        #expect(throws: ConfigError(file: "/nonexistent/dir/x.json", reason: "cannot read file: No such file or directory")) {
            try TrainerConfig.load(path: "/nonexistent/dir/x.json")
        }
    }

    @Test func directoryReportsTheOSReason() throws {
        let directory = FileManager.default.temporaryDirectory.path
        do {
            _ = try TrainerConfig.load(path: directory)
            Issue.record("loading a directory succeeded")
        } catch {
            #expect(error.description == "\(directory): cannot read file: Is a directory")
        }
    }

    @Test func syntaxErrorsInFilesSayFileLineAndColumn() throws {
        let text = """
        {
          "optimizer": {
            "lr": 0.1;
          }
        }
        """
        let path = try temporaryFile(named: "x.json", contents: text)
        do {
            _ = try TrainerConfig.load(path: path)
            Issue.record("invalid JSON loaded")
        } catch {
            #expect(error == ConfigError(file: path, line: 3, column: 14, reason: "expected ',' or '}'"))
            #expect(error.description == "\(path):3:14: expected ',' or '}'")
        }
    }

    @Test func validationErrorsInFilesNameTheFile() throws {
        let path = try temporaryFile(named: "x.json", contents: withKey("optimizer", "lr", "-0.1"))
        do {
            _ = try TrainerConfig.load(path: path)
            Issue.record("invalid config loaded")
        } catch {
            #expect(error.description == "\(path): optimizer.lr: must be > 0, got -0.1")
        }
    }

    @Test(arguments: [
        ("Configs/linear.json", "linear"),
        ("linear.json", "linear"),
        ("Configs/a.b.json", "a.b"),
        ("Configs/noext", "noext"),
        ("/abs/path/run.config.json", "run.config"),
        ("Configs/.hidden", ".hidden"),
    ])
    func baseName(path: String, expected: String) {
        #expect(TrainerConfig.baseName(of: path) == expected)
    }
}
