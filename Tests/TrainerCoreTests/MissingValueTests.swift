import Foundation
import Testing
@testable import TrainerCore

/// `data.missing`: what counts as missing, drop_row and impute_mean with training-split means
/// saved in model.json, and the counts in summary.json.
@Suite(.serialized)
struct MissingValueTests {
    static func load(_ text: String, _ policy: MissingValuePolicy, kind: ModelKind = .linear) throws(DataError) -> LoadedDataset {
        try DatasetLoader.load(contents: Array(text.utf8), sourcePath: "m.csv", target: "y", features: nil, kind: kind, missing: policy)
    }

    @Test func blankAndQuotedEmptyFieldsAreMissingButNATextIsNot() throws {
        let loaded = try Self.load("a,b,y\n1, \t,3\n\"\",5,6\n7,8,9\n", .dropRow)
        #expect(loaded.missing == MissingValueReport(policy: .dropRow, missingValues: 2, droppedRows: 2))
        #expect(loaded.dataset.features.values == [7, 8])
        let na = try #require(throws: DataError.self) { _ = try Self.load("a,y\nNA,1\n2,3\n", .imputeMean) }
        #expect(na.line == 2 && na.column == 1)
        #expect(na.reason == "non-numeric value \"NA\", expected a number")
    }

    @Test func dropRowDropsMissingTargetsForEveryModelKind() throws {
        let softmax = try Self.load("a,y\n1,cat\n2,\n3,dog\n", .dropRow, kind: .softmax)
        #expect(softmax.dataset.classes == ["cat", "dog"])
        #expect(softmax.dataset.targets == [0, 1])
        #expect(softmax.missing.droppedRows == 1)
        let logistic = try Self.load("a,y\n1,0\n2,\n3,1\n", .dropRow, kind: .logistic)
        #expect(logistic.dataset.targets == [0, 1])
    }

    @Test func imputeMeanUsesTheTrainingSplitOnly() throws {
        // 10 rows; which are validation is fixed by the seed. Row 0's `a` is missing.
        var text = "a,y\n,0\n"
        for i in 1..<10 { text += "\(i * i),\(i)\n" }
        let loaded = try Self.load(text, .imputeMean)
        let split = PreparedData.split(rowCount: 10, validationFraction: 0.3, seed: 3)
        let imputer = try MissingValueImputer.fit(loaded.dataset, trainRows: split.train)
        let present = split.train.filter { $0 != 0 }.map { Double($0 * $0) }
        #expect(imputer.means == [present.reduce(0, +) / Double(present.count)])
        let all = (1..<10).map { Double($0 * $0) }
        #expect(imputer.means[0] != all.reduce(0, +) / 9, "the validation rows must not count")
        var filled = loaded.dataset
        imputer.apply(to: &filled)
        #expect(filled.features[0, 0] == imputer.means[0])
        #expect(filled.features[3, 0] == 9)
    }

    @Test func aColumnMissingInTheWholeTrainingSplitIsAnError() throws {
        let loaded = try Self.load("a,b,y\n,1,1\n,2,2\n,3,3\n", .imputeMean)
        let error = try #require(throws: DataError.self) { _ = try MissingValueImputer.fit(loaded.dataset, trainRows: [0, 1, 2]) }
        #expect(error.columnName == "a")
        #expect(error.reason == "cannot impute a mean: every value of this feature in the training split is missing")
    }

    @Test func aRunWithImputationSavesTheMeansAndCountsInTheRunFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var csv = "a,b,y\n"
        for i in 0..<40 { csv += (i % 7 == 3 ? "" : "\(i)") + ",\(i % 5)," + "\(2 * i + 1)\n" }
        try Data(csv.utf8).write(to: root.appendingPathComponent("d.csv"))
        let config = #"{"data": {"path": "d.csv", "target": "y", "missing": "impute_mean"}, "model": {"type": "linear"}, "training": {"epochs": 2}, "compare": {"reference": false}}"#
        try Data(config.utf8).write(to: root.appendingPathComponent("c.json"))
        let run = try TrainingRun(configArgument: root.appendingPathComponent("c.json").path, overrides: ["runs_dir=\(JSONValue.string(root.appendingPathComponent("Runs").path).serialized())"])
        let result = try run.execute()
        #expect(result.status == .completed)
        #expect(result.summary["data"]?["missing"] == .string("impute_mean"))
        #expect(result.summary["data"]?["missing_values"] == .number(6))  // i = 3, 10, 17, 24, 31, 38
        #expect(result.summary["data"]?["dropped_rows"] == .number(0))
        let model = try JSONValue.parse(utf8: Array(Data(contentsOf: URL(fileURLWithPath: result.directory.file("model.json")))))
        let split = PreparedData.split(rowCount: 40, validationFraction: 0.2, seed: 0)
        let present = split.train.filter { $0 % 7 != 3 }
        let mean = Double(present.reduce(0, +)) / Double(present.count)
        let bMean = Double(split.train.map { $0 % 5 }.reduce(0, +)) / Double(split.train.count)
        #expect(model["imputation"] == .object([("strategy", .string("mean")), ("mean", .array([.number(mean), .number(bMean)]))]))
    }
}
