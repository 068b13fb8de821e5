import Testing
@testable import TrainerCore

@Suite struct ConfigOverrideTests {
    @Test func overridesSetValuesOfEveryKind() throws {
        let config = try parseConfig(minimalConfigJSON, overrides: [
            "optimizer.lr=0.1",
            "model.type=logistic",          // plain text: not JSON, taken as a string
            "model.bias=false",
            "training.batch_size=full",
            "data.features=[\"a\", \"b\"]",
            "name=\"quoted\"",
            "seed=7",
        ])
        #expect(config.optimizer.lr == 0.1)
        #expect(config.model.type == .logistic)
        #expect(config.model.bias == false)
        #expect(config.training.batchSize == .full)
        #expect(config.data.features == ["a", "b"])
        #expect(config.name == "quoted")
        #expect(config.seed == 7)
    }

    @Test func overridesWinOverTheFileAndTheLastOneWins() throws {
        let config = try parseConfig(withKey("optimizer", "lr", "0.5"), overrides: ["optimizer.lr=0.2", "optimizer.lr=0.3"])
        #expect(config.optimizer.lr == 0.3)
        let cleared = try parseConfig(withKey("training", "clip_norm", "1"), overrides: ["training.clip_norm=null"])
        #expect(cleared.training.clipNorm == nil)
    }

    @Test func overridesCreateMissingSections() throws {
        let config = try parseConfig(minimalConfigJSON, overrides: ["schedule.type=cosine", "training.early_stopping.patience=3"])
        #expect(config.schedule.type == .cosine)
        #expect(config.training.earlyStopping == EarlyStoppingConfig(patience: 3, minDelta: 0, restoreBest: true))
        // A null (disabled) early_stopping section is replaced by an object, too.
        let enabled = try parseConfig(withKey("training", "early_stopping", "null"), overrides: ["training.early_stopping.min_delta=0.5"])
        #expect(enabled.training.earlyStopping == EarlyStoppingConfig(patience: 10, minDelta: 0.5, restoreBest: true))
    }

    @Test func overrideValuesAreValidatedLikeFileValues() {
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["optimizer.lr=-1"]) == "--set optimizer.lr=-1: optimizer.lr: must be > 0, got -1")
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["training.epochs=ten"]) == #"--set training.epochs=ten: training.epochs: expected an integer, got "ten""#)
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["model.type=logstic"])
            == #"--set model.type=logstic: model.type: expected one of "linear", "logistic", "softmax", got "logstic"; did you mean "logistic"?"#)
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["optimizer.nesterov=true"])
            == "--set optimizer.nesterov=true: optimizer.nesterov: requires optimizer.momentum > 0 and optimizer.dampening = 0, got momentum 0 and dampening 0")
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["optimizer=3"]) == "--set optimizer=3: optimizer: expected an object, got 3")
        // Replacing a section with an object is validated key by key.
        #expect(configErrorMessage(minimalConfigJSON, overrides: [#"optimizer={"lr": 0}"#]) == #"--set optimizer={"lr": 0}: optimizer.lr: must be > 0, got 0"#)
    }

    @Test func unknownOverrideKeysGetSuggestions() {
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["optimizer.lrr=0.1"]) == #"--set optimizer.lrr=0.1: optimizer.lrr: unknown key; did you mean "optimizer.lr"?"#)
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["lr=0.1"]) == #"--set lr=0.1: lr: unknown key; did you mean "optimizer.lr"?"#)
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["optimiser.lr=0.1"]) == #"--set optimiser.lr=0.1: optimiser: unknown key; did you mean "optimizer"?"#)
    }

    @Test func fileErrorsAreNotBlamedOnUnrelatedOverrides() {
        #expect(configErrorMessage(withKey("optimizer", "lr", "-1"), overrides: ["optimizer.momentum=0.5", "model.bias=false"])
            == "Configs/x.json: optimizer.lr: must be > 0, got -1")
    }

    @Test func overridesCannotSetKeysInsideNonObjects() {
        #expect(configErrorMessage(withKey("", "optimizer", "5"), overrides: ["optimizer.lr=0.1"]) == "--set optimizer.lr=0.1: optimizer: expected an object, got 5")
        // `seed` is absent from the file, so the override creates an object there, which the
        // schema then rejects.
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["seed.x=1"]) == "--set seed.x=1: seed: expected an integer, got an object")
        #expect(configErrorMessage(withKey("", "seed", "3"), overrides: ["seed.x=1"]) == "--set seed.x=1: seed: expected an object, got 3")
    }

    @Test func malformedOverrides() {
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["optimizer.lr"]) == "--set optimizer.lr: expected key.path=value")
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["=3"]) == "--set =3: empty key; expected key.path=value")
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["optimizer..lr=3"]) == #"--set optimizer..lr=3: invalid key path "optimizer..lr""#)
        #expect(configErrorMessage(minimalConfigJSON, overrides: [".lr=3"]) == #"--set .lr=3: invalid key path ".lr""#)
    }

    @Test func malformedOverridesAreReportedBeforeReadingTheFile() {
        #expect(throws: ConfigError(override: "oops", reason: "expected key.path=value")) {
            try TrainerConfig.load(path: "/nonexistent/x.json", overrides: ["oops"])
        }
    }

    @Test func stringKeysTakeTheTextAsTyped() throws {
        let config = try parseConfig(minimalConfigJSON, overrides: ["name=2024", "data.target=true", "runs_dir=\"quoted dir\""])
        #expect(config.name == "2024")
        #expect(config.data.target == "true")
        #expect(config.runsDir == "quoted dir")
        // Non-string keys still parse JSON, so a string there is reported as one.
        #expect(configErrorMessage(minimalConfigJSON, overrides: ["seed=\"1\""]) == #"--set seed="1": seed: expected an integer, got "1""#)
    }

    @Test func valueMayContainEqualsSigns() throws {
        let config = try parseConfig(minimalConfigJSON, overrides: ["data.path=a=b.csv"])
        #expect(config.data.path == "a=b.csv")
    }
}
