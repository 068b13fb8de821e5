import Foundation
import Testing
@testable import TrainerCore

private func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-runreader-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func modelError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RunReadError {
    let json = try JSONValue.parse(text)
    return try #require(throws: RunReadError.self, sourceLocation: sourceLocation) {
        _ = try SavedModel(json: json, file: "m.json")
    }
}

private let validLinear = """
    {"type": "linear", "features": ["a", "b"], "target": "y", "weights": [1, 2], "bias": 3, "fits_bias": true,
     "standardization": {"mean": [0, 0], "scale": [1, 1]}}
    """

@Suite("model.json round trip")
struct ModelRoundTripTests {
    /// Values chosen to break a lossy writer: non-representable decimals, subnormal-adjacent,
    /// huge, negative zero.
    static let awkward: [Double] = [0.1 + 0.2, -1e-300, 5e17 + 1, -0.0, 1 / 3, 123456.789e-5, .pi, -2.5e-8, 7, 1e300, -0.3, Double.leastNonzeroMagnitude, 2, 3, -1e-5, 0.7]

    @Test func softmaxWriteLoadIsIdentical() throws {
        let d = 3, k = 4
        let model = SavedModel(
            kind: .softmax, features: ["x1", "x 2", "x\"3"], target: "class", classes: ["a", "b", "c", "d"],
            parameters: Array(Self.awkward.prefix(d * k + k)), fitsBias: true,
            standardizer: Standardizer(mean: [0.1, -2e-9, 1e6], scale: [1 / 3, 2, 1e-7]))
        #expect(model.parameters.count == d * k + k)
        let text = model.json().serialized()
        let loaded = try SavedModel(json: JSONValue.parse(text), file: "model.json")
        #expect(loaded == model)
        #expect(loaded.parameters.map(\.bitPattern) == model.parameters.map(\.bitPattern), "bit-identical, -0 included")
        #expect(loaded.json().serialized() == text)
    }

    @Test func linearWithoutBiasAndLogisticRoundTrip() throws {
        let linear = SavedModel(
            kind: .linear, features: ["a", "b"], target: "y", classes: nil, parameters: [0.1 + 0.2, -7], fitsBias: false,
            standardizer: .identity(featureCount: 2))
        #expect(try SavedModel(json: JSONValue.parse(linear.json().serialized()), file: "m") == linear)
        let logistic = SavedModel(
            kind: .logistic, features: ["a"], target: "y", classes: ["0", "1"], parameters: [1e-17, -4], fitsBias: true,
            standardizer: Standardizer(mean: [3], scale: [0.25]))
        #expect(try SavedModel(json: JSONValue.parse(logistic.json().serialized()), file: "m") == logistic)
    }

    @Test func loadReadsTheFileAndReportsSyntaxErrorsWithLineAndColumn() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.json"
        try validLinear.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try SavedModel.load(path: path).parameters == [1, 2, 3])
        try "{\n  \"type\": \"linear\",\n  \"features\": [\"a\",]\n}".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: RunReadError.self) { _ = try SavedModel.load(path: path) }
        #expect(error.file == path && error.line == 3 && error.column != nil, "\(error)")
        let missing = try #require(throws: RunReadError.self) { _ = try SavedModel.load(path: dir + "/nope.json") }
        #expect(missing.description.contains("nope.json") && missing.reason.contains("No such file"), "\(missing)")
    }

    @Test func shapeErrorsNameTheKey() throws {
        #expect(try modelError(validLinear.replacingOccurrences(of: "[1, 2]", with: "[1]")).key == "weights")
        #expect(try modelError(validLinear.replacingOccurrences(of: "[1, 2]", with: "[1, null]")).key == "weights[1]")
        #expect(try modelError(validLinear.replacingOccurrences(of: "\"linear\"", with: "\"tree\"")).reason.contains("unknown model type \"tree\""))
        #expect(try modelError(validLinear.replacingOccurrences(of: "\"scale\": [1, 1]", with: "\"scale\": [0, 1]")).key == "standardization.scale[0]")
        #expect(try modelError(validLinear.replacingOccurrences(of: "\"b\"]", with: "\"a\"]")).key == "features[1]")
        #expect(try modelError(validLinear.replacingOccurrences(of: "\"bias\": 3", with: "\"bias\": \"3\"")).key == "bias")
        let softmax = """
            {"type": "softmax", "features": ["a"], "target": "y", "classes": ["p", "q"], "weights": [[1], [2, 3]],
             "bias": [0, 0], "standardization": {"mean": [0], "scale": [1]}}
            """
        let error = try modelError(softmax)
        #expect(error.key == "weights[1]" && error.reason == "expected 1 numbers, found 2")
        #expect(error.description == "m.json: \"weights[1]\": expected 1 numbers, found 2")
    }
}

@Suite("Run folder reading")
struct RunReaderTests {
    @Test func summaryOfARunningRunHasNoFinalSection() throws {
        let r = JSONFieldReader(try JSONValue.parse(#"{"status": "running", "stop_reason": null, "model": "linear", "data": {"rows": 10, "classes": null}}"#), file: "s.json")
        let s = try RunSummary(r)
        #expect(s.status == "running" && s.stopReason == nil && s.final == nil && s.data?.rows == 10)
    }

    @Test func summaryFinalAndDiagnosisAreTyped() throws {
        let text = """
            {"status": "completed", "steps": 12, "final": {"train_loss": 1.5, "val_loss": null, "train_r2": 0.25, "val_r2": 0.5},
             "diagnosis": {"verdict": "fine", "findings": [{"kind": "spikes", "severity": "warning", "steps": [3, 7],
               "message": "m", "action": "a"}]}}
            """
        let s = try RunSummary(JSONFieldReader(JSONValue.parse(text), file: "s.json"))
        #expect(s.steps == 12)
        #expect(s.final?.metricName == "r2" && s.final?.valMetric == 0.5 && s.final?.valLoss == nil)
        #expect(s.diagnosis?.findings.first?.steps == [3, 7])
        #expect(s.diagnosis?.findings.first?.severity == .warning)
        let bad = try #require(throws: RunReadError.self) {
            _ = try RunSummary(JSONFieldReader(JSONValue.parse(#"{"status": "completed", "final": {"train_loss": "low"}}"#), file: "s.json"))
        }
        #expect(bad.description == "s.json: \"final.train_loss\": expected a number, got \"low\"")
        let noStatus = try #require(throws: RunReadError.self) { _ = try RunSummary(JSONFieldReader(JSONValue.parse("{}"), file: "s.json")) }
        #expect(noStatus.key == "status")
    }

    @Test func metricsCSVAcceptsNonFiniteWordsAndChecksSteps() throws {
        let text = "step,epoch,loss,grad_norm\n1,1,0.5,2\n2,1,inf,nan\n4,1,-inf,1e3\n"
        let series = try StepSeries.read(contents: Array(text.utf8), file: "metrics.csv")
        #expect(series.steps == [1, 2, 4])
        #expect(series.loss[0] == 0.5 && series.loss[1] == .infinity && series.loss[2] == -.infinity)
        #expect(series.gradNorm[1].isNaN && series.gradNorm[2] == 1000)
        let backwards = try #require(throws: DataError.self) {
            _ = try StepSeries.read(contents: Array("step,loss,grad_norm\n2,1,1\n2,1,1\n".utf8), file: "metrics.csv")
        }
        #expect(backwards.line == 3 && backwards.reason.contains("steps must increase"))
        let garbage = try #require(throws: DataError.self) {
            _ = try StepSeries.read(contents: Array("step,loss,grad_norm\n1,low,1\n".utf8), file: "metrics.csv")
        }
        #expect(garbage.description == "metrics.csv:2:2 (column \"loss\"): non-numeric value \"low\", expected a number")
        let wrongFile = try #require(throws: DataError.self) {
            _ = try StepSeries.read(contents: Array("a,b\n1,2\n".utf8), file: "metrics.csv")
        }
        #expect(wrongFile.reason.contains("missing column \"step\""))
    }

    @Test func downsamplingKeepsExtremesAndTheLastPoint() {
        let n = 1000
        var loss = (0..<n).map { 1 / Double($0 + 1) }
        loss[500] = 50  // a spike
        let series = StepSeries(steps: Array(1...n), loss: loss, gradNorm: loss)
        let picked = series.downsampledIndices(maxPoints: 40, by: loss)
        #expect(picked.count <= 40 && picked.count >= 20)
        #expect(picked.contains(500) && picked.contains(0) && picked.contains(n - 1))
        #expect(picked == picked.sorted())
        #expect(series.downsampledIndices(maxPoints: 2000, by: loss) == Array(0..<n))
    }

    @Test func locatorFindsFoldersNamesAndFilesAndSuggests() throws {
        let runs = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: runs) }
        for name in ["logreg", "softmax"] {
            try FileManager.default.createDirectory(atPath: runs + "/" + name, withIntermediateDirectories: true)
            try "{}".write(toFile: runs + "/\(name)/config.json", atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: runs + "/empty", withIntermediateDirectories: true)
        #expect(try RunLocator.locate(runs + "/logreg").path == runs + "/logreg")
        #expect(try RunLocator.locate("softmax", runsDirectory: runs).path == runs + "/softmax")
        #expect(try RunLocator.locate(runs + "/logreg/config.json").path == runs + "/logreg")
        let typo = try #require(throws: RunReadError.self) { _ = try RunLocator.locate("logrg", runsDirectory: runs) }
        #expect(typo.reason.contains("did you mean \"logreg\""), "\(typo)")
        #expect(typo.reason.contains("\"\(runs)/logrg\""))
        let other = try #require(throws: RunReadError.self) { _ = try RunLocator.locate("zzzzzz", runsDirectory: runs) }
        #expect(other.reason.contains("runs in \(runs): logreg, softmax"), "\(other)")
        let notRun = try #require(throws: RunReadError.self) { _ = try RunLocator.locate(runs + "/empty") }
        #expect(notRun.reason.contains("not a run folder"))
    }

    @Test func savedRunWithoutModelRecordsWhy() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try #"{"status": "running", "model": "logistic"}"#.write(toFile: dir + "/summary.json", atomically: true, encoding: .utf8)
        try #"{"optimizer": {"type": "adam", "lr": 0.003}, "training": {"batch_size": 8, "accumulation_steps": 4}}"#
            .write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        try "step,loss,grad_norm\n1,0.7,1\n2,0.6,0.9\n".write(toFile: dir + "/metrics.csv", atomically: true, encoding: .utf8)
        let run = try SavedRun.load(RunDirectory(path: dir))
        #expect(run.settings?.optimizer == "adam" && run.settings?.lr == 0.003 && run.settings?.batch == "8 × 4 accumulated")
        #expect(run.steps?.loss == [0.7, 0.6])
        let error = try #require(throws: RunReadError.self) { _ = try run.requireModel() }
        #expect(error.file == dir + "/model.json" && error.reason.contains("still training"))
        let text = RunInspection(run: run, width: 20, height: 1).text()
        #expect(text.contains("status     running"))
        #expect(text.contains("model.json missing"))
        #expect(text.contains("  █▁  0.6 … 0.7"), "\(text)")
    }
}
