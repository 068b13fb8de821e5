import Foundation
import Testing

/// The number under `"key": ` in trainer's JSON text, parsed with Swift's exact `Double(_:)`:
/// Foundation's JSONSerialization on Linux can be off in the last digit, and these tests compare
/// numbers for equality.
private func exactNumber(_ key: String, in json: String) -> Double? {
    guard let range = json.range(of: "\"\(key)\": ") else { return nil }
    let rest = json[range.upperBound...]
    return Double(String(rest.prefix { "0123456789.eE+-".contains($0) }))
}

@Suite(.serialized)
struct EvaluateCommandTests {
    let breastCancer = TrainerBinary.packageRoot.appendingPathComponent("Datasets/breast_cancer.csv")

    @Test func evaluateReportsTheAccuracyOfPredict() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let folder = try TrainerBinary.train("logreg", into: runs)
        let predict = try TrainerBinary.run(["predict", folder.path, "--data", breastCancer.path])
        #expect(predict.status == 0, "stderr: \(predict.stderr)")
        let (accuracy, _) = try TrainerBinary.accuracy(predictions: predict.stdout, dataset: breastCancer, target: "diagnosis")

        let json = try TrainerBinary.run(["evaluate", folder.path, "--data", breastCancer.path, "--json"])
        #expect(json.status == 0, "stderr: \(json.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(exactNumber("accuracy", in: json.stdout) == accuracy)
        #expect(report["rows"] as? Double == 569)
        let confusion = try #require(report["confusion"] as? [[Int]])
        #expect(confusion.count == 2 && confusion.flatMap { $0 }.reduce(0, +) == 569)
        #expect(Double(confusion[0][0] + confusion[1][1]) / 569 == accuracy)
        let loss = try #require(report["loss"] as? Double)
        #expect(loss > 0 && loss < 0.2)

        let text = try TrainerBinary.run(["evaluate", folder.path, "--data", breastCancer.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains(String(format: "accuracy   %.6g", accuracy)), "stdout: \(text.stdout)")
        #expect(text.stdout.contains("without the L2/L1 penalty"))
        #expect(text.stdout.contains("rows: true class, columns: predicted class"))
    }

    @Test func regressionMetrics() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let folder = try TrainerBinary.train("linreg", into: runs)
        let diabetes = TrainerBinary.packageRoot.appendingPathComponent("Datasets/diabetes.csv")
        let result = try TrainerBinary.run(["evaluate", folder.path, "--data", diabetes.path, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let mse = try #require(report["mse"] as? Double), rmse = try #require(report["rmse"] as? Double)
        #expect(abs(rmse * rmse - mse) < 1e-9 * mse)
        #expect(exactNumber("loss", in: result.stdout) == exactNumber("mse", in: result.stdout), "the loss of a linear model is its MSE")
        let r2 = try #require(report["r2"] as? Double)
        #expect(r2 > 0.4 && r2 < 1)
        let mae = try #require(report["mae"] as? Double)
        #expect(mae > 0 && mae <= rmse)
    }

    @Test func missingTargetFailsWith65() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let folder = try TrainerBinary.train("softmax", into: runs, settings: ["training.epochs=2"])
        let data = runs.appendingPathComponent("unlabelled.csv")
        try "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n".write(to: data, atomically: true, encoding: .utf8)
        let result = try TrainerBinary.run(["evaluate", folder.path, "--data", data.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("missing target column \"species\""), "stderr: \(result.stderr)")
    }
}
