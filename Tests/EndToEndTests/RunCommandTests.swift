import Foundation
import Testing

/// `trainer run` on every shipped config, checked through the files it writes.
@Suite(.serialized)
struct RunCommandTests {
    struct Case: Sendable, CustomStringConvertible {
        var config: String
        var model: String
        var metric: String
        var threshold: Double
        var description: String { config }
    }

    static let shipped: [Case] = [
        Case(config: "configs/logreg.json", model: "logistic", metric: "val_accuracy", threshold: 0.97),
        Case(config: "configs/softmax.json", model: "softmax", metric: "val_accuracy", threshold: 0.93),
        Case(config: "configs/linreg.json", model: "linear", metric: "val_r2", threshold: 0.40),
    ]

    @Test(arguments: shipped)
    func shippedConfigTrainsAndWritesARunFolder(_ c: Case) throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["run", c.config, "--set", "runs_dir=\(runs.path)"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let name = ((c.config as NSString).lastPathComponent as NSString).deletingPathExtension
        let folder = runs.appendingPathComponent(name)
        #expect(result.stdout.contains(folder.path), "stdout names the run folder: \(result.stdout)")

        let summary = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        #expect(summary["status"] as? String == "completed")
        let final = try #require(summary["final"] as? [String: Any])
        let metric = try #require(final[c.metric] as? Double)
        #expect(metric >= c.threshold, "\(c.metric) = \(metric)")
        let trainLoss = try #require(final["train_loss"] as? Double)
        #expect(trainLoss > 0 && trainLoss.isFinite)
        #expect(final["val_loss"] as? Double != nil)
        let timing = try #require(summary["timing"] as? [String: Any])
        #expect(timing["load_seconds"] as? Double != nil)
        #expect(timing["train_seconds"] as? Double != nil)

        let model = try TrainerBinary.json(folder.appendingPathComponent("model.json"))
        #expect(model["type"] as? String == c.model)
        let features = try #require(model["features"] as? [String])
        let standardization = try #require(model["standardization"] as? [String: Any])
        #expect((standardization["mean"] as? [Double])?.count == features.count)
        #expect((standardization["scale"] as? [Double])?.count == features.count)
        if c.model == "softmax" {
            let classes = try #require(model["classes"] as? [String])
            #expect(classes == ["setosa", "versicolor", "virginica"])
            let weights = try #require(model["weights"] as? [[Double]])
            #expect(weights.count == 3 && weights.allSatisfy { $0.count == features.count })
            #expect((model["bias"] as? [Double])?.count == 3)
        } else {
            #expect((model["weights"] as? [Double])?.count == features.count)
            #expect(model["bias"] as? Double != nil)
        }

        let metrics = try TrainerBinary.csv(folder.appendingPathComponent("metrics.csv"))
        for column in ["step", "epoch", "lr", "loss", "grad_norm"] {
            #expect(metrics.header.contains(column), "metrics.csv has \(column)")
        }
        #expect(metrics.rows.count > 100)
        #expect(metrics.rows.first?.first == "1")

        let config = try TrainerBinary.json(folder.appendingPathComponent("config.json"))
        #expect((config["optimizer"] as? [String: Any])?["lr"] as? Double != nil, "resolved config has defaults filled in")
    }

    @Test func resolvedConfigReproducesTheRunBitForBit() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let first = try TrainerBinary.run(["run", "logreg", "--set", "runs_dir=\(runs.path)", "--set", "training.epochs=5", "--quiet"])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let folder = runs.appendingPathComponent("logreg")
        let again = try TrainerBinary.run(["run", folder.appendingPathComponent("config.json").path, "--quiet"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        let second = runs.appendingPathComponent("logreg-2")
        let a = try Data(contentsOf: folder.appendingPathComponent("model.json"))
        let b = try Data(contentsOf: second.appendingPathComponent("model.json"))
        #expect(a == b, "model.json differs between a run and the re-run of its config.json")
        let ma = try Data(contentsOf: folder.appendingPathComponent("metrics.csv"))
        let mb = try Data(contentsOf: second.appendingPathComponent("metrics.csv"))
        #expect(ma == mb)
    }

    @Test func badConfigValueFailsWithItsPathAndCode65() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["run", "logreg", "--set", "runs_dir=\(runs.path)", "--set", "optimizer.lr=-0.1"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("optimizer.lr"))
        #expect(result.stderr.contains("-0.1"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: runs.path)
        #expect(leftovers.isEmpty, "a rejected config creates no run folder")
    }

    @Test func unknownConfigNameSuggestsTheShippedOne() throws {
        let result = try TrainerBinary.run(["run", "logregg"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("did you mean \"logreg\""), "stderr: \(result.stderr)")
    }

    @Test func divergingRunExits3AndLeavesACompleteFolder() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run([
            "run", "linreg", "--set", "runs_dir=\(runs.path)", "--set", "optimizer.lr=100",
            "--set", "data.standardize=false", "--set", "training.batch_size=\"full\"",
        ])
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("hint"))
        let folder = runs.appendingPathComponent("linreg")
        let summary = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        #expect(summary["status"] as? String == "diverged")
        let divergence = try #require(summary["divergence"] as? [String: Any])
        let step = try #require(divergence["step"] as? Int)
        #expect(step >= 1)
        #expect(divergence["lr"] as? Double == 100)
        #expect((divergence["hint"] as? String)?.contains("data.standardize") == true)
        // The folder is complete and readable: the model, and metrics up to the diverging step.
        let model = try TrainerBinary.json(folder.appendingPathComponent("model.json"))
        #expect(model["weights"] != nil)
        let metrics = try TrainerBinary.csv(folder.appendingPathComponent("metrics.csv"))
        #expect(metrics.rows.last?.first == String(step))
    }
}
