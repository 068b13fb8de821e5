import Foundation
import Testing

/// `trainer solve` on the shipped datasets against independent numpy/scipy optima
/// (Tools/reference_solutions.py → Tests/TrainerCoreTests/Fixtures/reference).
@Suite(.serialized)
struct SolveCommandTests {
    struct Case: Sendable, CustomStringConvertible {
        var config: String
        var fixture: String
        var l2: Double
        var description: String { "\(config) λ=\(l2)" }
    }

    static let cases: [Case] = [
        Case(config: "linreg", fixture: "diabetes_l2_0.0", l2: 0),
        Case(config: "linreg", fixture: "diabetes_l2_0.01", l2: 0.01),
        Case(config: "logreg", fixture: "breast_cancer_l2_0.01", l2: 0.01),
        Case(config: "softmax", fixture: "iris_l2_0.01", l2: 0.01),
    ]

    @Test(arguments: cases)
    func solveMatchesTheIndependentOptimum(_ c: Case) throws {
        let runs = try TrainerBinary.temporaryDirectory()
        // The fixtures standardize over all rows, so solve on all rows (no validation split).
        let result = try TrainerBinary.run([
            "solve", c.config, "--quiet", "--set", "runs_dir=\(runs.path)",
            "--set", "data.validation_fraction=0", "--set", "model.l2=\(c.l2)",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let folder = runs.appendingPathComponent(c.config)
        let fixture = try TrainerBinary.json(TrainerBinary.packageRoot.appendingPathComponent("Tests/TrainerCoreTests/Fixtures/reference/\(c.fixture).json"))
        let expected = try #require(fixture["parameters"] as? [Double])
        let expectedObjective = try #require(fixture["objective"] as? Double)

        let summary = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        #expect(summary["status"] as? String == "completed")
        let solver = try #require(summary["solver"] as? [String: Any])
        let objective = try #require(solver["objective"] as? Double)
        #expect(abs(objective - expectedObjective) / abs(expectedObjective) < 1e-9, "objective \(objective) vs \(expectedObjective)")

        let model = try TrainerBinary.json(folder.appendingPathComponent("model.json"))
        var theta: [Double] = []
        if let weights = model["weights"] as? [[Double]], let bias = model["bias"] as? [Double] {
            // model.json stores softmax weights per class; θ is W (d×K) row-major, then b.
            let k = weights.count, d = weights[0].count
            for j in 0..<d { for c in 0..<k { theta.append(weights[c][j]) } }
            theta += bias
        } else {
            theta = try #require(model["weights"] as? [Double])
            theta.append(try #require(model["bias"] as? Double))
        }
        #expect(theta.count == expected.count)
        let difference = zip(theta, expected).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let norm = expected.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(difference / norm < 1e-6, "relative weight error \(difference / norm)")
    }

    @Test func separableDataWithoutL2HasNoOptimumAndExits6() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["solve", "logreg", "--set", "runs_dir=\(runs.path)", "--set", "model.l2=0"])
        #expect(result.status == 6)
        #expect(result.stdout.contains("separable"))
        let summary = try TrainerBinary.json(runs.appendingPathComponent("logreg/summary.json"))
        #expect(summary["status"] as? String == "failed")
        #expect((summary["error"] as? String)?.contains("model.l2 > 0") == true)
    }

    @Test func forcedMethodsAgreeOnDiabetes() throws {
        var objectives: [String: Double] = [:]
        for method in ["cholesky", "qr", "svd"] {
            let runs = try TrainerBinary.temporaryDirectory()
            let result = try TrainerBinary.run(["solve", "linreg", "--quiet", "--set", "runs_dir=\(runs.path)", "--set", "solver.method=\(method)"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let summary = try TrainerBinary.json(runs.appendingPathComponent("linreg/summary.json"))
            let solver = try #require(summary["solver"] as? [String: Any])
            #expect(solver["method"] as? String == method)
            objectives[method] = solver["objective"] as? Double
        }
        let values = objectives.values.compactMap { $0 }
        #expect(values.count == 3)
        #expect((values.max()! - values.min()!) / values.max()! < 1e-12)
    }
}
