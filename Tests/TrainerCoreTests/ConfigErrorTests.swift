import Testing
@testable import TrainerCore

@Suite struct ConfigErrorTests {
    @Test func descriptionFormats() {
        #expect(ConfigError(file: "Configs/x.json", path: "optimizer.lr", reason: "must be > 0, got -0.1").description
            == "Configs/x.json: optimizer.lr: must be > 0, got -0.1")
        #expect(ConfigError(file: "Configs/x.json", line: 3, column: 14, reason: "expected ',' or '}'").description
            == "Configs/x.json:3:14: expected ',' or '}'")
        #expect(ConfigError(file: "Configs/x.json", override: "optimizer.lr=-1", path: "optimizer.lr", reason: "must be > 0, got -1").description
            == "--set optimizer.lr=-1: optimizer.lr: must be > 0, got -1")
        #expect(ConfigError(path: "seed", reason: "must be >= 0, got -1").description == "seed: must be >= 0, got -1")
        #expect(ConfigError(line: 2, column: 5, reason: "bad").description == "2:5: bad")
    }

    @Test func unknownKeysSuggestTheClosestKey() {
        #expect(configErrorMessage(#"{"optimzer": {}}"#) == #"Configs/x.json: optimzer: unknown key; did you mean "optimizer"?"#)
        #expect(configErrorMessage(withKey("optimizer", "lrr", "0.1")) == #"Configs/x.json: optimizer.lrr: unknown key; did you mean "optimizer.lr"?"#)
        #expect(configErrorMessage(withKey("training", "batchsize", "8")) == #"Configs/x.json: training.batchsize: unknown key; did you mean "training.batch_size"?"#)
        #expect(configErrorMessage(withKey("optimizer", "nestrov", "true")) == #"Configs/x.json: optimizer.nestrov: unknown key; did you mean "optimizer.nesterov"?"#)
    }

    @Test func unknownKeysSuggestTheSameKeyAtAnotherLevel() {
        #expect(configErrorMessage(withKey("", "lr", "0.1")) == #"Configs/x.json: lr: unknown key; did you mean "optimizer.lr"?"#)
        #expect(configErrorMessage(withKey("", "epochs", "3")) == #"Configs/x.json: epochs: unknown key; did you mean "training.epochs"?"#)
        #expect(configErrorMessage(withKey("training", "patience", "3")) == #"Configs/x.json: training.patience: unknown key; did you mean "training.early_stopping.patience"?"#)
        #expect(configErrorMessage(withKey("", "epoch", "3")) == #"Configs/x.json: epoch: unknown key; did you mean "training.epochs"?"#)
    }

    @Test func unknownKeysWithoutACloseMatch() {
        #expect(configErrorMessage(withKey("", "xy", "1")) == "Configs/x.json: xy: unknown key")
        #expect(configErrorMessage(withKey("model", "hidden_layers", "3")) == "Configs/x.json: model.hidden_layers: unknown key")
        #expect(configErrorMessage(withKey("training", "early_stopping", #"{"patiense": 3}"#))
            == #"Configs/x.json: training.early_stopping.patiense: unknown key; did you mean "training.early_stopping.patience"?"#)
    }

    @Test func wrongTypes() {
        #expect(configErrorMessage(withKey("training", "epochs", #""ten""#)) == #"Configs/x.json: training.epochs: expected an integer, got "ten""#)
        #expect(configErrorMessage(withKey("training", "epochs", "2.5")) == "Configs/x.json: training.epochs: expected an integer, got 2.5")
        #expect(configErrorMessage(withKey("optimizer", "lr", "true")) == "Configs/x.json: optimizer.lr: expected a number, got true")
        #expect(configErrorMessage(withKey("optimizer", "lr", "null")) == "Configs/x.json: optimizer.lr: expected a number, got null")
        #expect(configErrorMessage(withKey("model", "bias", #""yes""#)) == #"Configs/x.json: model.bias: expected a boolean, got "yes""#)
        #expect(configErrorMessage(withKey("", "runs_dir", "[1]")) == "Configs/x.json: runs_dir: expected a string, got an array")
        #expect(configErrorMessage(withKey("", "optimizer", "5")) == "Configs/x.json: optimizer: expected an object, got 5")
        #expect(configErrorMessage(withKey("", "optimizer", "null")) == "Configs/x.json: optimizer: expected an object, got null")
        #expect(configErrorMessage(withKey("training", "early_stopping", "true")) == "Configs/x.json: training.early_stopping: expected an object or null, got true")
        #expect(configErrorMessage(withKey("training", "clip_norm", #""1""#)) == #"Configs/x.json: training.clip_norm: expected a number or null, got "1""#)
        #expect(configErrorMessage(withKey("data", "features", #"["a", 1]"#)) == "Configs/x.json: data.features: expected an array of strings or null, got an array containing 1")
        #expect(configErrorMessage(withKey("data", "features", #""a""#)) == #"Configs/x.json: data.features: expected an array of strings or null, got "a""#)
    }

    @Test func batchSizeShapes() {
        #expect(configErrorMessage(withKey("training", "batch_size", "0")) == #"Configs/x.json: training.batch_size: expected a positive integer or "full", got 0"#)
        #expect(configErrorMessage(withKey("training", "batch_size", "1.5")) == #"Configs/x.json: training.batch_size: expected a positive integer or "full", got 1.5"#)
        #expect(configErrorMessage(withKey("training", "batch_size", #""half""#)) == #"Configs/x.json: training.batch_size: expected a positive integer or "full", got "half""#)
    }

    @Test func enumValuesSuggestTheClosestCase() {
        #expect(configErrorMessage(#"{"data": {"path": "d.csv", "target": "y"}, "model": {"type": "logstic"}}"#)
            == #"Configs/x.json: model.type: expected one of "linear", "logistic", "softmax", got "logstic"; did you mean "logistic"?"#)
        #expect(configErrorMessage(withKey("optimizer", "type", #""adamx""#))
            == #"Configs/x.json: optimizer.type: expected one of "sgd", "adam", "adamw", got "adamx"; did you mean "adam"?"#)
        #expect(configErrorMessage(withKey("solver", "method", #""lu""#))
            == #"Configs/x.json: solver.method: expected one of "auto", "cholesky", "qr", "svd", got "lu""#)
        #expect(configErrorMessage(withKey("training", "on_nonfinite", "1"))
            == #"Configs/x.json: training.on_nonfinite: expected one of "stop", "skip", "error", got 1"#)
    }

    @Test func missingRequiredKeys() {
        #expect(configErrorMessage(#"{"data": {"target": "y"}, "model": {"type": "linear"}}"#) == "Configs/x.json: data.path: required key is missing")
        #expect(configErrorMessage(#"{"model": {"type": "linear"}}"#) == "Configs/x.json: data.path: required key is missing")
        #expect(configErrorMessage(#"{"data": {"path": "d.csv"}, "model": {"type": "linear"}}"#) == "Configs/x.json: data.target: required key is missing")
        #expect(configErrorMessage(#"{"data": {"path": "d.csv", "target": "y"}}"#) == "Configs/x.json: model.type: required key is missing")
    }

    @Test func rootMustBeAnObject() {
        #expect(configErrorMessage("[]") == "Configs/x.json: the top level must be an object, got an array")
        #expect(configErrorMessage("3") == "Configs/x.json: the top level must be an object, got 3")
    }

    @Test func rangeViolations() {
        #expect(configErrorMessage(withKey("optimizer", "lr", "-0.1")) == "Configs/x.json: optimizer.lr: must be > 0, got -0.1")
        #expect(configErrorMessage(withKey("optimizer", "lr", "0")) == "Configs/x.json: optimizer.lr: must be > 0, got 0")
        #expect(configErrorMessage(withKey("optimizer", "momentum", "1")) == "Configs/x.json: optimizer.momentum: must be in [0, 1), got 1")
        #expect(configErrorMessage(withKey("optimizer", "beta2", "-0.5")) == "Configs/x.json: optimizer.beta2: must be in [0, 1), got -0.5")
        #expect(configErrorMessage(withKey("optimizer", "eps", "0")) == "Configs/x.json: optimizer.eps: must be > 0, got 0")
        #expect(configErrorMessage(withKey("optimizer", "weight_decay", "-1e-5")) == "Configs/x.json: optimizer.weight_decay: must be >= 0, got -1e-05")
        #expect(configErrorMessage(withKey("model", "l2", "-1")) == "Configs/x.json: model.l2: must be >= 0, got -1")
        #expect(configErrorMessage(withKey("data", "validation_fraction", "1")) == "Configs/x.json: data.validation_fraction: must be in [0, 1), got 1")
        #expect(configErrorMessage(withKey("schedule", "gamma", "0")) == "Configs/x.json: schedule.gamma: must be in (0, 1], got 0")
        #expect(configErrorMessage(withKey("schedule", "gamma", "1.5")) == "Configs/x.json: schedule.gamma: must be in (0, 1], got 1.5")
        #expect(configErrorMessage(withKey("schedule", "step_size", "0")) == "Configs/x.json: schedule.step_size: must be >= 1, got 0")
        #expect(configErrorMessage(withKey("schedule", "warmup_steps", "-1")) == "Configs/x.json: schedule.warmup_steps: must be >= 0, got -1")
        #expect(configErrorMessage(withKey("training", "epochs", "0")) == "Configs/x.json: training.epochs: must be >= 1, got 0")
        #expect(configErrorMessage(withKey("training", "clip_norm", "0")) == "Configs/x.json: training.clip_norm: must be > 0, got 0")
        #expect(configErrorMessage(withKey("training", "clip_value", "-2")) == "Configs/x.json: training.clip_value: must be > 0, got -2")
        #expect(configErrorMessage(withKey("training", "max_steps", "0")) == "Configs/x.json: training.max_steps: must be >= 1, got 0")
        #expect(configErrorMessage(withKey("training", "log_every", "0")) == "Configs/x.json: training.log_every: must be >= 1, got 0")
        #expect(configErrorMessage(withKey("training", "accumulation_steps", "0")) == "Configs/x.json: training.accumulation_steps: must be >= 1, got 0")
        #expect(configErrorMessage(withKey("training", "early_stopping", #"{"patience": 0}"#)) == "Configs/x.json: training.early_stopping.patience: must be >= 1, got 0")
        #expect(configErrorMessage(withKey("solver", "tolerance", "0")) == "Configs/x.json: solver.tolerance: must be > 0, got 0")
        #expect(configErrorMessage(withKey("solver", "max_iterations", "0")) == "Configs/x.json: solver.max_iterations: must be >= 1, got 0")
    }

    @Test func seedRange() throws {
        #expect(configErrorMessage(withKey("", "seed", "-1")) == "Configs/x.json: seed: must be >= 0, got -1")
        #expect(configErrorMessage(withKey("", "seed", "9007199254740992")) == "Configs/x.json: seed: integers must be less than 2^53 in magnitude, got 9007199254740992.0")
        #expect(configErrorMessage(withKey("", "seed", "1e300")) == "Configs/x.json: seed: integers must be less than 2^53 in magnitude, got 1e+300")
        #expect(configErrorMessage(withKey("", "seed", "0.5")) == "Configs/x.json: seed: expected an integer, got 0.5")
        #expect(try parseConfig(withKey("", "seed", "42")).seed == 42)
    }

    @Test func nesterovNeedsMomentumWithoutDampening() throws {
        #expect(configErrorMessage(withKey("optimizer", "nesterov", "true"))
            == "Configs/x.json: optimizer.nesterov: requires optimizer.momentum > 0 and optimizer.dampening = 0, got momentum 0 and dampening 0")
        #expect(configErrorMessage(#"{"data": {"path": "d", "target": "y"}, "model": {"type": "linear"}, "optimizer": {"nesterov": true, "momentum": 0.9, "dampening": 0.1}}"#)
            == "Configs/x.json: optimizer.nesterov: requires optimizer.momentum > 0 and optimizer.dampening = 0, got momentum 0.9 and dampening 0.1")
        let config = try parseConfig(#"{"data": {"path": "d", "target": "y"}, "model": {"type": "linear"}, "optimizer": {"nesterov": true, "momentum": 0.9}}"#)
        #expect(config.optimizer.nesterov)
        #expect(config.optimizer.momentum == 0.9)
    }

    @Test func runNameValidation() throws {
        #expect(configErrorMessage(withKey("", "name", #""""#)) == "Configs/x.json: name: must not be empty")
        #expect(configErrorMessage(withKey("", "name", #""a/b""#)) == #"Configs/x.json: name: must not contain '/', got "a/b""#)
        #expect(configErrorMessage(withKey("", "name", #"".hidden""#)) == #"Configs/x.json: name: must not start with '.', got ".hidden""#)
        #expect(configErrorMessage(withKey("", "name", #""a\tb""#)) == #"Configs/x.json: name: must not contain control characters, got "a\tb""#)
        let long = String(repeating: "n", count: 101)
        #expect(configErrorMessage(withKey("", "name", "\"\(long)\"")) == "Configs/x.json: name: must be at most 100 characters, got 101")
        let longest = String(repeating: "é", count: 100)
        #expect(try parseConfig(withKey("", "name", "\"\(longest)\"")).name == longest)
    }

    @Test func defaultNameIsValidatedToo() throws {
        let json = try JSONValue.parse(minimalConfigJSON)
        #expect(throws: ConfigError(file: "Configs/.json", path: "name", reason: #"must not start with '.', got ".json""#)) {
            try TrainerConfig.parse(json, defaultName: ".json", file: "Configs/.json")
        }
    }

    @Test func stringsThatMustNotBeEmpty() {
        #expect(configErrorMessage(#"{"data": {"path": "", "target": "y"}, "model": {"type": "linear"}}"#) == "Configs/x.json: data.path: must not be empty")
        #expect(configErrorMessage(#"{"data": {"path": "d", "target": ""}, "model": {"type": "linear"}}"#) == "Configs/x.json: data.target: must not be empty")
        #expect(configErrorMessage(withKey("", "runs_dir", #""""#)) == "Configs/x.json: runs_dir: must not be empty")
    }

    @Test func featureLists() {
        #expect(configErrorMessage(withKey("data", "features", "[]")) == "Configs/x.json: data.features: must not be empty (use null for all columns except the target)")
        #expect(configErrorMessage(withKey("data", "features", #"["a", "b", "a"]"#)) == #"Configs/x.json: data.features: duplicate column "a""#)
        #expect(configErrorMessage(withKey("data", "features", #"["a", "y"]"#)) == #"Configs/x.json: data.features: must not contain the target column "y""#)
        #expect(configErrorMessage(withKey("data", "features", #"["a", ""]"#)) == "Configs/x.json: data.features: column names must not be empty")
    }

    @Test func errorsWithoutAFileOmitThePrefix() throws {
        let json = try JSONValue.parse(withKey("optimizer", "lr", "-1"))
        #expect(throws: ConfigError(path: "optimizer.lr", reason: "must be > 0, got -1")) {
            try TrainerConfig.parse(json, defaultName: "x", file: nil)
        }
    }
}
