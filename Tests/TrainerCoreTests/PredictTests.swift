import Foundation
import Testing
@testable import TrainerCore

/// A linear model on two features with non-trivial standardization:
/// x' = ((a − 1)/2, (b − 2)/4), ŷ = 3·x'₁ − 1·x'₂ + 0.5.
private let linear = SavedModel(
    kind: .linear, features: ["a", "b"], target: "y", classes: nil, parameters: [3, -1, 0.5], fitsBias: true,
    standardizer: Standardizer(mean: [1, 2], scale: [2, 4]))

/// Softmax on one feature with three classes, written the way model.json lays it out
/// (one weight array per class), so the test also pins the weight layout.
private func softmaxModel() throws -> SavedModel {
    let json = try JSONValue.parse("""
        {"format_version": 1, "type": "softmax", "features": ["x"], "target": "kind",
         "classes": ["lo", "mid", "hi"], "weights": [[1], [2], [3]], "bias": [0, 0, 0], "fits_bias": true,
         "standardization": {"mean": [10], "scale": [0.5]}}
        """)
    return try SavedModel(json: json, file: "model.json")
}

private func input(_ text: String, _ model: SavedModel, target: Bool = false) throws(DataError) -> ModelInput {
    try ModelInput.read(contents: Array(text.utf8), file: "data.csv", model: model, requireTarget: target)
}

@Suite("Predictor")
struct PredictTests {
    @Test func linearPredictionsAreHandComputedWithStandardization() {
        let p = Predictor(model: linear)
        // a = 5, b = 10 → x' = (2, 2) → 3·2 − 2 + 0.5 = 4.5
        #expect(p.predict([5, 10]) == .value(4.5))
        // the training means map to x' = 0, leaving the bias
        #expect(p.predict([1, 2]) == .value(0.5))
        // a = 0, b = 6 → x' = (−0.5, 1) → −1.5 − 1 + 0.5 = −2
        #expect(p.predict([0, 6]) == .value(-2))
    }

    @Test func logisticProbabilitiesAndLabel() throws {
        let model = SavedModel(
            kind: .logistic, features: ["x"], target: "y", classes: ["0", "1"], parameters: [1, 0], fitsBias: true,
            standardizer: .identity(featureCount: 1))
        let p = Predictor(model: model)
        // z = ln 3 → σ(z) = 3/4
        guard case .label(let label, let probabilities) = p.predict([log(3)]) else { Issue.record("not a label"); return }
        #expect(label == 1)
        #expect(abs(probabilities[1] - 0.75) < 1e-15)
        #expect(abs(probabilities[0] - 0.25) < 1e-15)
        // z = 0 is not > 0: class 0, as training's accuracy counts it
        #expect(p.predict([0]) == .label(0, probabilities: [0.5, 0.5]))
    }

    @Test func probabilitiesStayFiniteAndKeepTinyTails() {
        // p₀ = σ(−40) ≈ 4.25e−18: 1 − σ(40) would round to exactly 0.
        let p = Predictor.probabilities(scores: [40])
        #expect(p[0] > 0)
        #expect(abs(p[0] - exp(-40)) / exp(-40) < 1e-12)
        let extreme = Predictor.probabilities(scores: [-800])
        #expect(extreme == [1, 0])
        // Softmax with max-shift: scores of 1000 would overflow exp without it.
        let big = Predictor.probabilities(scores: [1000, 1000 + log(3), -1000])
        #expect(big.allSatisfy { $0.isFinite })
        #expect(abs(big[0] - 0.25) < 1e-12 && abs(big[1] - 0.75) < 1e-12)
        #expect(big[2] == 0)
    }

    @Test func softmaxUsesPerClassWeightsAndStandardization() throws {
        let model = try softmaxModel()
        #expect(model.weight(feature: 0, output: 2) == 3)
        let p = Predictor(model: model)
        // x = 10 + 0.5·ln 2 → x' = ln 2 → z = (ln 2, 2 ln 2, 3 ln 2) → e^z ∝ (2, 4, 8) / 14
        guard case .label(let label, let probabilities) = p.predict([10 + 0.5 * log(2)]) else { Issue.record("not a label"); return }
        #expect(label == 2)
        for (got, want) in zip(probabilities, [2.0 / 14, 4.0 / 14, 8.0 / 14]) {
            #expect(abs(got - want) < 1e-15)
        }
    }

    @Test func columnsAreMatchedByNameAndExtrasIgnored() throws {
        let rows = try input("id,b,y,a\n7,10,99,5\n8,6,1,0\n", linear)
        #expect(rows.features.values == [5, 10, 0, 6])
        #expect(rows.targets == nil)
        #expect(rows.lines == [2, 3])
        #expect(Predictor(model: linear).csv(rows) == "prediction\n4.5\n-2.0\n")
    }

    @Test func missingFeatureColumnsAreAllListed() throws {
        let error = try #require(throws: DataError.self) { _ = try input("id,c\n1,2\n", linear) }
        #expect(error.file == "data.csv" && error.line == 1)
        #expect(error.reason.contains("\"a\", \"b\""), "\(error)")
        #expect(error.reason.hasSuffix("none of them is in the file, whose columns are \"id\", \"c\""), "\(error)")
        let one = try #require(throws: DataError.self) { _ = try input("A,b\n1,2\n", linear) }
        #expect(one.reason.contains("\"a\"") && one.reason.contains("did you mean \"A\""), "\(one)")
    }

    @Test func badFeatureValueIsLocated() throws {
        let error = try #require(throws: DataError.self) { _ = try input("a,b\n1,2\n3,x\n", linear) }
        #expect(error.description == "data.csv:3:2 (column \"b\"): non-numeric value \"x\", expected a number")
    }

    @Test func targetsMapToTheModelsClasses() throws {
        let model = try softmaxModel()
        let rows = try input("x,kind\n1,hi\n2,lo\n", model, target: true)
        #expect(rows.targets == [2, 0])
        let error = try #require(throws: DataError.self) { _ = try input("x,kind\n1,hi\n2,top\n", model, target: true) }
        #expect(error.line == 3 && error.column == 2)
        #expect(error.reason.contains("\"top\" is not one the model knows"), "\(error)")
        let missing = try #require(throws: DataError.self) { _ = try input("x\n1\n", model, target: true) }
        #expect(missing.reason.contains("missing target column \"kind\""))
    }

    @Test func integerClassesMatchByValueAndLogisticByNumber() throws {
        let lookup = ClassLookup(["2", "10"])
        #expect(lookup.index(of: Array("010".utf8)[...], logistic: false) == 1)
        #expect(lookup.index(of: Array("+2".utf8)[...], logistic: false) == 0)
        #expect(lookup.index(of: Array("3".utf8)[...], logistic: false) == nil)
        let binary = ClassLookup(["0", "1"])
        #expect(binary.index(of: Array("1.0".utf8)[...], logistic: true) == 1)
        #expect(binary.index(of: Array("0e0".utf8)[...], logistic: true) == 0)
        #expect(binary.index(of: Array("2".utf8)[...], logistic: true) == nil)
    }

    @Test func classifierCSVQuotesClassNames() throws {
        var model = try softmaxModel()
        model.classes = ["lo", "mid, high", "hi"]
        let p = Predictor(model: model)
        #expect(p.csvHeader == "label,p_lo,\"p_mid, high\",p_hi")
        #expect(p.csvRow(.label(1, probabilities: [0.25, 0.5, 0.25])) == "\"mid, high\",0.25,0.5,0.25")
    }

    @Test func regressionEvaluationIsHandComputed() throws {
        // predictions 4.5, 0.5, −2 against targets 4.5, 1.5, 0 → residuals 0, −1, −2
        let rows = try input("a,b,y\n5,10,4.5\n1,2,1.5\n0,6,0\n", linear, target: true)
        let e = try #require(Evaluation.compute(predictor: Predictor(model: linear), input: rows))
        #expect(e.rows == 3)
        #expect(e.mse == 5.0 / 3)
        #expect(e.meanLoss == 5.0 / 3, "the loss of a linear model is the MSE")
        #expect(e.rmse == (5.0 / 3).squareRoot())
        #expect(e.mae == 1)
        // ȳ = 2, SS_tot = 6.25 + 0.25 + 4 = 10.5, SS_res = 5 → R² = 1 − 5/10.5
        #expect(abs((e.r2 ?? .nan) - (1 - 5 / 10.5)) < 1e-15)
        #expect(e.accuracy == nil && e.confusion == nil)
    }

    @Test func classifierEvaluationCountsTheConfusionMatrix() throws {
        let model = try softmaxModel()
        // x = 10 + 0.5·x': x' = 1 → scores (1, 2, 3) → "hi"; x' = −1 → (−1, −2, −3) → "lo".
        let rows = try input("x,kind\n10.5,hi\n9.5,lo\n10.5,mid\n9.5,hi\n", model, target: true)
        let e = try #require(Evaluation.compute(predictor: Predictor(model: model), input: rows))
        #expect(e.accuracy == 0.5)
        #expect(e.confusion == [[1, 0, 0], [0, 0, 1], [1, 0, 1]])
        // loss: two rows at z = (1,2,3) with true class 2 and 1, two at (−1,−2,−3) with true 0 and 2
        let lse = log(exp(1.0) + exp(2) + exp(3))
        let lseNeg = log(exp(-1.0) + exp(-2) + exp(-3))
        let want = ((lse - 3) + (lse - 2) + (lseNeg + 1) + (lseNeg + 3)) / 4
        #expect(abs(e.meanLoss - want) < 1e-14)
        let text = e.text(runName: "r", dataPath: "d.csv")
        #expect(text.contains("accuracy   0.5 (2 of 4)"), "\(text)")
        #expect(text.contains("true \\ predicted"))
    }
}

/// Files to predict or evaluate on take `FastNumericCSV` when it accepts them, and must give
/// exactly the rows, targets and line numbers of the general reader.
@Suite("ModelInput fast path")
struct ModelInputFastPathTests {
    static func fast(_ text: String, _ model: SavedModel, target: Bool) -> ModelInput? {
        Array(text.utf8).withUnsafeBufferPointer { ModelInput.fastRead(bytes: $0, model: model, requireTarget: target) }
    }

    static func expectSame(_ a: ModelInput, _ b: ModelInput) {
        #expect(a.features.values.map(\.bitPattern) == b.features.values.map(\.bitPattern))
        #expect(a.features.rows == b.features.rows && a.features.columns == b.features.columns)
        #expect(a.targets?.map(\.bitPattern) == b.targets?.map(\.bitPattern))
        #expect(a.lines == b.lines)
    }

    static let logistic = SavedModel(
        kind: .logistic, features: ["a", "b"], target: "y", classes: ["0", "1"], parameters: [1, 1, 0], fitsBias: true,
        standardizer: .identity(featureCount: 2))

    @Test(arguments: [
        "b,id,a,y\n1.5,x7,2,0\n-3e-2,x8,4.25,1\n7,x9,0.1,1.0\n",                  // columns in any order, a text id
        "\u{FEFF}a,b,y\r\n1,2,1\r\n3,4,0\r\n\r\n",                                  // BOM, CRLF, empty line at the end
        "\"a\",\"b\",\"y\"\n0.1,0.2,0\n0.3,0.4,1",                                  // quoted names, no final newline
        "a,name,b,y\n\"1\",\"x, y\",\" 2 \",\"1\"\n3,z,4,0\n",                          // quoted values
    ])
    func plainFilesMatchTheGeneralReader(text: String) throws {
        for (model, target) in [(linear, false), (linear, true), (Self.logistic, true)] {
            let fast = try #require(Self.fast(text, model, target: target), "\(model.kind) target \(target)")
            Self.expectSame(fast, try input(text, model, target: target))
            #expect((fast.targets != nil) == target)
        }
    }

    /// A model trained with impute_mean: empty feature fields get its means, as the general
    /// reader fills them; an empty target is still the general reader's error to report.
    @Test func emptyFieldsGetTheModelsMeans() throws {
        var model = linear
        model.imputationMeans = [10, 20]
        let text = "a,b,y\n1,,3\n,\"\",4\n5,6,7\n"
        for target in [false, true] {
            let fast = try #require(Self.fast(text, model, target: target))
            Self.expectSame(fast, try input(text, model, target: target))
            #expect(fast.features.values == [1, 20, 10, 20, 5, 6])
        }
        #expect(Self.fast("a,b,y\n1,2,\n", model, target: true) == nil)
    }

    /// Softmax targets: each distinct label matched to the model's classes as the general
    /// reader matches each row's (exactly, or as integers when every class is one).
    @Test func softmaxLabelsMapToTheModelsClasses() throws {
        let text = "x,kind\n1,hi\n2,\"lo\"\n3,mid\n4,hi\n"
        let fast = try #require(Self.fast(text, try softmaxModel(), target: true))
        Self.expectSame(fast, try input(text, try softmaxModel(), target: true))
        #expect(fast.targets == [2, 0, 1, 2])
        var numbered = try softmaxModel()
        numbered.classes = ["0", "1", "2"]
        let spelled = "x,kind\n1,02\n2,+1\n3,0\n"
        let integers = try #require(Self.fast(spelled, numbered, target: true))
        Self.expectSame(integers, try input(spelled, numbered, target: true))
        #expect(integers.targets == [2, 1, 0])
        // Enough rows that every chunk holds many labels, in several spellings.
        var rng = SeededGenerator(seed: 12)
        let names = ["lo", "\"lo\"", "mid", "hi", "\"hi\""]
        let big = "x,kind\n" + (0..<5_000).map { i in "\(i),\(names[Int(rng.nextBounded(5))])\n" }.joined()
        let many = try #require(Self.fast(big, try softmaxModel(), target: true))
        Self.expectSame(many, try input(big, try softmaxModel(), target: true))
        #expect(Set(many.targets ?? []) == [0, 1, 2])
    }

    /// Empty lines between records are skipped, and the rows after them keep their physical
    /// line numbers, as the general reader counts them.
    @Test func emptyLinesKeepTheLineNumbers() throws {
        let text = "a,b,y\n1,2,3\n\n4,5,6\r\n\r\n\n7,8,9\n\n"
        for target in [false, true] {
            let fast = try #require(Self.fast(text, linear, target: target))
            Self.expectSame(fast, try input(text, linear, target: target))
            #expect(fast.lines == [2, 4, 7])
        }
        let labels = "x,kind\n\n1,hi\n2,lo\n\n3,mid\n"
        let softmax = try #require(Self.fast(labels, try softmaxModel(), target: true))
        Self.expectSame(softmax, try input(labels, try softmaxModel(), target: true))
        #expect(softmax.lines == [3, 4, 6] && softmax.targets == [2, 0, 1])
    }

    @Test func whatTheGeneralReaderMustHandleIsDeclined() throws {
        let model = try softmaxModel()
        #expect(Self.fast("x,kind\n1,lo\n2,cold\n", model, target: true) == nil, "a class the model does not know")
        #expect(Self.fast("x,kind\n1,lo\n2,cold\n", model, target: false) != nil, "no target read: no class needed")
        #expect(Self.fast("a,b,y\n1,\"2\"\"\",3\n", linear, target: false) == nil, "a doubled quote")
        #expect(Self.fast("a,b,y\n1,\"2\n\",3\n", linear, target: false) == nil, "a line break inside quotes")
        #expect(Self.fast("a,b,y\n1,,3\n", linear, target: false) == nil, "an empty field: an error without means")
        #expect(Self.fast("a,b,y\n1,2,3\n4,5,2\n", Self.logistic, target: true) == nil, "not 0/1: the general reader's error")
        #expect(Self.fast("a,y\n1,3\n", linear, target: false) == nil, "a missing feature column")
    }
}
