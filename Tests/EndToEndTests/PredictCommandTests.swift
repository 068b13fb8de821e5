import Foundation
import Testing

@Suite(.serialized)
struct PredictCommandTests {
    let breastCancer = TrainerBinary.packageRoot.appendingPathComponent("Datasets/breast_cancer.csv")

    @Test func logregPredictsTheTrainingFileAccurately() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let folder = try TrainerBinary.train("logreg", into: runs)
        let out = runs.appendingPathComponent("preds.csv")
        let result = try TrainerBinary.run(["predict", folder.path, "--data", breastCancer.path, "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "--out keeps stdout clean")
        let text = try String(contentsOf: out, encoding: .utf8)
        let table = try TrainerBinary.csv(out)
        #expect(table.header == ["label", "p_0", "p_1"])
        #expect(table.rows.count == 569)
        for row in table.rows {
            let p0 = try #require(Double(row[1])), p1 = try #require(Double(row[2]))
            #expect(abs(p0 + p1 - 1) < 1e-12)
            #expect(row[0] == (p1 > p0 ? "1" : "0"))
        }
        let (accuracy, rows) = try TrainerBinary.accuracy(predictions: text, dataset: breastCancer, target: "diagnosis")
        #expect(rows == 569)
        #expect(accuracy >= 0.97, "accuracy \(accuracy)")

        // Without --out the same CSV goes to stdout; a run name is found under --runs-dir.
        let stdout = try TrainerBinary.run(["predict", "logreg", "--runs-dir", runs.path, "--data", breastCancer.path])
        #expect(stdout.status == 0, "stderr: \(stdout.stderr)")
        #expect(stdout.stdout == text)
    }

    @Test func softmaxAndLinearOutputColumns() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let softmax = try TrainerBinary.train("softmax", into: runs, settings: ["training.epochs=20"])
        let iris = TrainerBinary.packageRoot.appendingPathComponent("Datasets/iris.csv")
        let s = try TrainerBinary.run(["predict", softmax.path, "--data", iris.path])
        #expect(s.status == 0, "stderr: \(s.stderr)")
        let lines = s.stdout.split(separator: "\n")
        #expect(lines.first == "label,p_setosa,p_versicolor,p_virginica")
        #expect(lines.count == 151)
        #expect(lines[1].hasPrefix("setosa,"))

        let linear = try TrainerBinary.train("linreg", into: runs, settings: ["training.epochs=20"])
        let diabetes = TrainerBinary.packageRoot.appendingPathComponent("Datasets/diabetes.csv")
        let l = try TrainerBinary.run(["predict", linear.path, "--data", diabetes.path])
        #expect(l.status == 0, "stderr: \(l.stderr)")
        let values = l.stdout.split(separator: "\n")
        #expect(values.first == "prediction")
        #expect(values.count == 443)
        #expect(values.dropFirst().allSatisfy { Double($0) != nil })
    }

    @Test func missingFeatureColumnFailsWith65AndItsName() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let folder = try TrainerBinary.train("logreg", into: runs, settings: ["training.epochs=2"])
        // Drop the first column (mean_radius) from the data.
        let lines = try String(contentsOf: breastCancer, encoding: .utf8).split(separator: "\n")
        let trimmed = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst().joined(separator: ",") }
        let data = runs.appendingPathComponent("no-radius.csv")
        try (trimmed.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
        let result = try TrainerBinary.run(["predict", folder.path, "--data", data.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\"mean_radius\""), "stderr: \(result.stderr)")
        #expect(result.stderr.contains(data.path + ":1"), "names the file and header line: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func nonexistentRunFailsWith65NamingThePath() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let missing = runs.appendingPathComponent("no-such-run").path
        let result = try TrainerBinary.run(["predict", missing, "--data", breastCancer.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains(missing) && result.stderr.contains("no such run folder"), "stderr: \(result.stderr)")
    }

    @Test func unwritableOutFailsWith73NamingTheFile() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let folder = try TrainerBinary.train("logreg", into: runs, settings: ["training.epochs=1"])
        let out = runs.appendingPathComponent("missing-folder/preds.csv").path
        let result = try TrainerBinary.run(["predict", folder.path, "--data", breastCancer.path, "--out", out])
        #expect(result.status == 73)
        #expect(result.stderr == "trainer: \(out): cannot write: folder \(runs.path)/missing-folder: No such file or directory\n", "stderr: \(result.stderr)")
    }
}
