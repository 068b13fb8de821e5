import Foundation
import Testing

/// `trainer run configs/exercise5.json`: synthetic y = Xw* + ε, full-batch GD against LAPACK.
@Suite(.serialized)
struct Exercise5Tests {
    @Test func gradientDescentReachesTheLeastSquaresSolutionNearTheTrueWeights() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["run", "configs/exercise5.json", "--set", "runs_dir=\(runs.path)"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let folder = runs.appendingPathComponent("exercise5")
        for line in ["true w*    [2, -1, 0.5]", "trained w  [", "LAPACK ŵ   [", "‖w − w*‖ =", "gap f − f* ="] {
            #expect(result.stdout.contains(line), "stdout has \(line): \(result.stdout)")
        }

        let summary = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        #expect(summary["status"] as? String == "completed")
        #expect(summary["steps"] as? Double == 1000)
        let reference = try #require(summary["reference"] as? [String: Any])
        let gap = try #require(reference["objective_gap"] as? Double)
        let distance = try #require(reference["weight_distance"] as? Double)
        #expect(abs(gap) < 1e-12, "f − f* = \(gap)")
        #expect(distance < 1e-6, "‖w − ŵ‖ = \(distance)")
        let optimum = try #require(reference["objective"] as? Double)
        // f* is the mean squared residual, close to the noise variance 0.1 (×(1 − d/m)).
        #expect(optimum > 0.06 && optimum < 0.14, "f* = \(optimum)")

        let synthetic = try #require(summary["synthetic"] as? [String: Any])
        #expect(synthetic["true_weights"] as? [Double] == [2, -1, 0.5])
        #expect(synthetic["noise_variance"] as? Double == 0.1)
        let toTruth = try #require(synthetic["distance_to_true_weights"] as? [String: Any])
        let trained = try #require(toTruth["trained"] as? Double)
        let lapack = try #require(toTruth["reference"] as? Double)
        // Standard error of each ŵⱼ ≈ √(0.1/100) ≈ 0.03, so ‖ŵ − w*‖ is a few hundredths.
        #expect(trained > 0 && trained < 0.2 && abs(trained - lapack) < 1e-6, "‖w − w*‖ = \(trained), ‖ŵ − w*‖ = \(lapack)")
        let w = try #require(synthetic["trained_weights"] as? [Double])
        #expect(w.count == 3 && abs(w[0] - 2) < 0.15 && abs(w[1] + 1) < 0.15 && abs(w[2] - 0.5) < 0.15, "\(w)")

        let data = try TrainerBinary.csv(folder.appendingPathComponent("data.csv"))
        #expect(data.header == ["x1", "x2", "x3", "y"])
        #expect(data.rows.count == 100)
        // The saved table reproduces the reported optimum with a plain least-squares fit here.
        let rows = data.rows.map { $0.compactMap(Double.init) }
        #expect(rows.allSatisfy { $0.count == 4 })
        let truth = try TrainerBinary.json(folder.appendingPathComponent("true_weights.json"))
        #expect(truth["weights"] as? [Double] == [2, -1, 0.5])
        let residual = rows.reduce(0.0) { sum, r in
            let e = r[0] * w[0] + r[1] * w[1] + r[2] * w[2] - r[3]
            return sum + e * e
        } / Double(rows.count)
        #expect(abs(residual - optimum) < 1e-9 * max(1, optimum), "MSE recomputed from data.csv \(residual) vs f* \(optimum)")
    }

    @Test func theSameConfigAndSeedGiveTheSameDataAndModelBits() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        for _ in 0..<2 {
            let r = try TrainerBinary.run(["run", "exercise5", "--set", "runs_dir=\(runs.path)", "--set", "training.epochs=20", "--quiet"])
            #expect(r.status == 0, "stderr: \(r.stderr)")
        }
        let a = runs.appendingPathComponent("exercise5"), b = runs.appendingPathComponent("exercise5-2")
        for file in ["data.csv", "model.json", "metrics.csv", "true_weights.json"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(file)) == Data(contentsOf: b.appendingPathComponent(file)), "\(file)")
        }
        // Another seed draws other data.
        let r = try TrainerBinary.run(["run", "exercise5", "--set", "runs_dir=\(runs.path)", "--set", "training.epochs=2", "--set", "seed=6", "--quiet"])
        #expect(r.status == 0)
        #expect(try Data(contentsOf: a.appendingPathComponent("data.csv")) != Data(contentsOf: runs.appendingPathComponent("exercise5-3/data.csv")))
        // The run folder's config.json regenerates the same data.
        let again = try TrainerBinary.run(["run", a.appendingPathComponent("config.json").path, "--quiet"])
        #expect(again.status == 0, "stderr: \(again.stderr)")
        #expect(try Data(contentsOf: a.appendingPathComponent("data.csv")) == Data(contentsOf: runs.appendingPathComponent("exercise5-4/data.csv")))
    }
}
