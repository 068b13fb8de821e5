import Foundation
import Testing

/// `data.missing = "impute_mean"` end to end: training fills empty fields with training-split
/// means, model.json carries them, and `predict` fills empty fields of new rows the same way.
@Suite(.serialized)
struct ImputationTests {
    @Test func predictAppliesTheSavedMeans() throws {
        let folder = try TrainerBinary.temporaryDirectory()
        // iris with two empty feature fields.
        var lines = try String(contentsOf: TrainerBinary.packageRoot.appendingPathComponent("Datasets/iris.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        lines[3] = "," + lines[3].split(separator: ",", omittingEmptySubsequences: false).dropFirst().joined(separator: ",")
        lines[60] = lines[60].replacingOccurrences(of: ",versicolor", with: "").split(separator: ",").dropLast().joined(separator: ",") + ",,versicolor"
        let data = folder.appendingPathComponent("iris-missing.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let runs = folder.appendingPathComponent("runs")
        let trained = try TrainerBinary.run([
            "run", "softmax", "--quiet", "--set", "runs_dir=\(runs.path)", "--set", "data.path=\(data.path)",
            "--set", "data.missing=impute_mean", "--set", "training.epochs=20",
        ])
        #expect(trained.status == 0, "stderr: \(trained.stderr)")
        let run = runs.appendingPathComponent("softmax")
        let model = try TrainerBinary.json(run.appendingPathComponent("model.json"))
        let imputation = try #require(model["imputation"] as? [String: Any])
        let means = try #require(imputation["mean"] as? [Double])
        #expect(means.count == 4)
        #expect(means[0] > 5 && means[0] < 6.5, "sepal_length mean \(means[0])")
        let summary = try TrainerBinary.json(run.appendingPathComponent("summary.json"))
        #expect((summary["data"] as? [String: Any])?["missing_values"] as? Int == 2)

        // A new row with an empty sepal_length is predicted as if it held the training mean.
        let query = folder.appendingPathComponent("query.csv")
        try "sepal_length,sepal_width,petal_length,petal_width\n,3.5,1.4,0.2\n\(means[0]),3.5,1.4,0.2\n".write(to: query, atomically: true, encoding: .utf8)
        let predicted = try TrainerBinary.run(["predict", run.path, "--data", query.path])
        #expect(predicted.status == 0, "stderr: \(predicted.stderr)")
        let rows = predicted.stdout.split(separator: "\n").dropFirst().map(String.init)
        #expect(rows.count == 2)
        #expect(rows[0] == rows[1], "empty field imputed with the saved mean: \(rows)")
        #expect(rows[0].hasPrefix("setosa"))
    }
}
