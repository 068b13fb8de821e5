import Foundation
import Testing
@testable import TrainerCore

@Suite struct SweepTests {
    static let base = #"{"data": {"path": "data.csv", "target": "y"}, "model": {"type": "linear"}, "#

    @Test func aGridRunsEveryCombinationFirstKeySlowest() throws {
        let config = try parseConfig(Self.base + #""sweep": {"optimizer.lr": [0.1, 0.01], "optimizer.type": ["sgd", "adam", "adamw"]}}"#)
        #expect(config.sweep.axes.map(\.path) == ["optimizer.lr", "optimizer.type"])
        let members = config.sweep.members
        #expect(members.count == 6)
        #expect(members.map { $0.map(\.index) } == [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]])
        #expect(members[4].map(\.value) == [.number(0.01), .string("adam")])
        // The resolved config keeps the grid, and a config without one writes null.
        #expect(try TrainerConfig.parse(config.resolvedJSON(), defaultName: "x", file: nil) == config)
        #expect(try parseConfig(minimalConfigJSON).resolvedJSON()["sweep"] == .null)
    }

    @Test func aBadSweepValueIsReportedAtItsElement() {
        #expect(configErrorMessage(Self.base + #""sweep": {"optimizer.lr": [0.1, 0.01, -1]}}"#)
            == "Configs/x.json: sweep.optimizer.lr[2]: must be > 0, got -1")
        #expect(configErrorMessage(Self.base + #""sweep": {"optimizer.type": ["sgd", "adma"]}}"#)
            == #"Configs/x.json: sweep.optimizer.type[1]: expected one of "sgd", "adam", "adamw", got "adma"; did you mean "adam"?"#)
        #expect(configErrorMessage(Self.base + #""sweep": {"training.epochs": [1, null]}}"#)
            == "Configs/x.json: sweep.training.epochs[1]: expected an integer, got null")
        #expect(configErrorMessage(Self.base + #""sweep": {"optimizer.lrr": [0.1]}}"#)
            == #"Configs/x.json: sweep.optimizer.lrr: unknown config key; did you mean "optimizer.lr"?"#)
        #expect(configErrorMessage(Self.base + #""sweep": {"name": ["a", "b"]}}"#)?.contains("sweep.name: name cannot be swept") == true)
        #expect(configErrorMessage(Self.base + #""sweep": {"optimizer": [1]}}"#)?.contains("is a section") == true)
        #expect(configErrorMessage(Self.base + #""sweep": {"optimizer.lr": []}}"#)
            == "Configs/x.json: sweep: optimizer.lr: expected a non-empty array of values, got an array")
        #expect(configErrorMessage(Self.base + #""sweep": {}}"#)?.contains("at least one key") == true)
    }

    func writeConfig(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("grid.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func expansionValidatesEveryMemberAndNamesThem() throws {
        let path = try writeConfig(Self.base + #""sweep": {"optimizer.lr": [0.001, 1.0], "data.standardize": [true, false]}}"#)
        let base = try TrainerConfig.load(path: path)
        let plan = try SweepPlan.expand(base: base, configPath: path, overrides: ["training.epochs=3"])
        #expect(plan.members.map(\.name) == [
            "grid-optimizer.lr=0.001-data.standardize=true", "grid-optimizer.lr=0.001-data.standardize=false",
            "grid-optimizer.lr=1-data.standardize=true", "grid-optimizer.lr=1-data.standardize=false",
        ])
        let last = try #require(plan.members.last)
        #expect(last.config.optimizer.lr == 1 && last.config.data.standardize == false)
        #expect(last.config.training.epochs == 3, "command-line overrides reach every member")
        #expect(last.config.sweep.isEmpty && last.config.name == last.name)
    }

    @Test func aValueThatBreaksACrossKeyRuleBlamesItsElement() throws {
        // On its own, nesterov = true is checked against the file's momentum (0) at load time.
        let alone = try writeConfig(Self.base + #""sweep": {"optimizer.nesterov": [false, true]}}"#)
        #expect(throws: ConfigError(file: alone, path: "sweep.optimizer.nesterov[1]", reason: "requires optimizer.momentum > 0 and optimizer.dampening = 0, got momentum 0 and dampening 0")) {
            try TrainerConfig.load(path: alone)
        }
        // Each value is fine with the file's momentum 0.9, but the member (momentum 0, nesterov)
        // is not: the grid expansion finds it before anything runs.
        let path = try writeConfig(#"{"data": {"path": "data.csv", "target": "y"}, "model": {"type": "linear"}, "optimizer": {"momentum": 0.9}, "sweep": {"optimizer.momentum": [0.9, 0], "optimizer.nesterov": [true]}}"#)
        let base = try TrainerConfig.load(path: path)
        #expect(throws: ConfigError(file: path, path: "sweep.optimizer.nesterov[0]", reason: "requires optimizer.momentum > 0 and optimizer.dampening = 0, got momentum 0 and dampening 0")) {
            try SweepPlan.expand(base: base, configPath: path, overrides: [])
        }
    }

    @Test func memberNamesAreSafeFolderNames() {
        let name = SweepPlan.memberName(
            base: "run", assignments: [SweepPlan.Assignment(path: "data.features", index: 0, value: .array([.string("a b"), .string("c/d")]))], number: 1)
        #expect(name == "run-data.features=__a_b___c_d__")
        let long = SweepPlan.memberName(base: String(repeating: "n", count: 98), assignments: [SweepPlan.Assignment(path: "optimizer.lr", index: 0, value: .number(0.5))], number: 7)
        #expect(long.count == ConfigConstraint.maxNameLength && long.hasSuffix("-7"))
    }

    @Test func statusAndStepsToToleranceComeFromTheCurve() {
        let member = SweepPlan.Member(name: "m", assignments: [], config: TrainerConfig.withDefaults(name: "m", data: .withDefaults(path: "a.csv", target: "y"), model: .withDefaults(type: .linear)))
        var r = SweepMemberResult(member: member)
        r.runStatus = .completed
        r.optimum = 2
        r.curve = [(1, 3), (2, 2.1), (3, 2 + 1e-6), (4, 2 + 1e-7)]
        r.finalLoss = 2 + 1e-7
        #expect(r.stepsToReach(1e-6) == 3)
        #expect(r.statusText(tolerance: 1e-6) == "converged")
        r.finalLoss = 2.1
        #expect(r.statusText(tolerance: 1e-6) == "not yet converged")
        r.curve = [(1, 3)]
        #expect(r.stepsToReach(1e-6) == nil)
        r.runStatus = .diverged
        r.divergedAtStep = 21
        #expect(r.statusText(tolerance: 1e-6) == "diverged at step 21")
    }
}
