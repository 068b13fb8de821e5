import Foundation
import Testing
@testable import TrainerCore

@Suite struct SyntheticDataTests {
    static func spec(rows: Int, weights: [[Double]]?, features: Int? = nil, bias: [Double] = [0], noise: Double = 0.1,
                     distribution: SyntheticDistribution = .normal, classes: Int? = nil, seed: UInt64? = nil) -> SyntheticDataConfig {
        SyntheticDataConfig(rows: rows, features: features, weights: weights, bias: bias, noiseVariance: noise,
                            distribution: distribution, classes: classes, seed: seed)
    }

    @Test func sameSeedGivesTheSameBitsAndAnotherSeedDoesNot() {
        let s = Self.spec(rows: 50, weights: [[2, -1, 0.5]])
        let a = SyntheticData(s, kind: .linear, runSeed: 7, targetName: "y")
        let b = SyntheticData(s, kind: .linear, runSeed: 7, targetName: "y")
        let c = SyntheticData(s, kind: .linear, runSeed: 8, targetName: "y")
        #expect(a.csv() == b.csv())
        #expect(a.features.values.map(\.bitPattern) == b.features.values.map(\.bitPattern))
        #expect(a.targets.map(\.bitPattern) == b.targets.map(\.bitPattern))
        #expect(a.csv() != c.csv())
        // An explicit data seed overrides the run's seed.
        var seeded = s
        seeded.seed = 8
        #expect(SyntheticData(seeded, kind: .linear, runSeed: 7, targetName: "y").csv() == c.csv())
    }

    @Test func longerTablesStartWithTheShorterOne() {
        let short = SyntheticData(Self.spec(rows: 10, weights: [[1, 2]]), kind: .linear, runSeed: 3, targetName: "y")
        let long = SyntheticData(Self.spec(rows: 30, weights: [[1, 2]]), kind: .linear, runSeed: 3, targetName: "y")
        #expect(Array(long.features.values.prefix(20)) == short.features.values)
        #expect(Array(long.targets.prefix(10)) == short.targets)
    }

    @Test func noiseAndFeaturesHaveTheSpecifiedMomentsForManyRows() {
        let m = 200_000
        let w = [2.0, -1, 0.5]
        let data = SyntheticData(Self.spec(rows: m, weights: [w], bias: [0.75], noise: 0.1), kind: .linear, runSeed: 11, targetName: "y")
        var residuals: [Double] = []
        for i in 0..<m {
            var s = 0.75
            for j in 0..<3 { s += data.features[i, j] * w[j] }
            residuals.append(data.targets[i] - s)
        }
        let mean = residuals.reduce(0, +) / Double(m)
        let variance = residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m - 1)
        // Standard errors: √(0.1/m) ≈ 7e-4 for the mean, 0.1·√(2/m) ≈ 3.2e-4 for the variance.
        #expect(abs(mean) < 4e-3, "noise mean \(mean)")
        #expect(abs(variance - 0.1) < 2e-3, "noise variance \(variance)")
        let x = data.features.values
        let xMean = x.reduce(0, +) / Double(x.count)
        let xVariance = x.reduce(0) { $0 + ($1 - xMean) * ($1 - xMean) } / Double(x.count - 1)
        #expect(abs(xMean) < 5e-3 && abs(xVariance - 1) < 1e-2, "features mean \(xMean), variance \(xVariance)")
    }

    @Test func uniformFeaturesStayInRangeWithVarianceOneThird() {
        let data = SyntheticData(Self.spec(rows: 100_000, weights: nil, features: 2, distribution: .uniform), kind: .linear, runSeed: 1, targetName: "y")
        let x = data.features.values
        #expect(x.allSatisfy { $0 >= -1 && $0 < 1 })
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1)
        #expect(abs(mean) < 1e-2 && abs(variance - 1.0 / 3) < 1e-2, "mean \(mean), variance \(variance)")
        // weights: null draws true weights, which are recorded.
        #expect(data.trueWeights.count == 1 && data.trueWeights[0].count == 2)
        #expect(data.trueWeights[0].allSatisfy { $0 != 0 })
    }

    @Test func logisticLabelsAreBernoulliOfTheSigmoid() {
        // Zero weights, bias 1: every label is 1 with probability σ(1) ≈ 0.7311.
        let m = 100_000
        let data = SyntheticData(Self.spec(rows: m, weights: [[0, 0]], bias: [1], noise: 0), kind: .logistic, runSeed: 2, targetName: "y")
        let rate = data.targets.reduce(0, +) / Double(m)
        #expect(Set(data.targets) == [0, 1])
        #expect(abs(rate - 1 / (1 + exp(-1.0))) < 6e-3, "rate \(rate)")
    }

    @Test func softmaxLabelsFollowTheSoftmaxOfTheScores() throws {
        // Zero weights, biases 0, ln 2, ln 3: classes with probabilities 1/6, 2/6, 3/6.
        let m = 120_000
        let data = SyntheticData(
            Self.spec(rows: m, weights: [[0, 0], [0, 0], [0, 0]], bias: [0, log(2), log(3)], noise: 0), kind: .softmax, runSeed: 4, targetName: "label")
        let counts = (0..<3).map { c in Double(data.targets.filter { $0 == Double(c) }.count) / Double(m) }
        for (c, p) in [1.0 / 6, 2.0 / 6, 3.0 / 6].enumerated() {
            #expect(abs(counts[c] - p) < 7e-3, "class \(c): \(counts[c]) vs \(p)")
        }
        let dataset = try data.dataset(features: nil)
        #expect(dataset.classes == ["0", "1", "2"])
        #expect(dataset.targets == data.targets)
    }

    @Test func theCSVParsesBackToTheSameBits() throws {
        let data = SyntheticData(Self.spec(rows: 500, weights: [[1e-7, -3e5, 0.1]], bias: [2.5]), kind: .linear, runSeed: 9, targetName: "y")
        let text = data.csv()
        #expect(text.hasPrefix("x1,x2,x3,y\n"))
        let dataset = try data.dataset(features: nil, csv: text)
        #expect(dataset.featureNames == ["x1", "x2", "x3"])
        #expect(dataset.features.values.map(\.bitPattern) == data.features.values.map(\.bitPattern))
        #expect(dataset.targets.map(\.bitPattern) == data.targets.map(\.bitPattern))
    }

    @Test func aSoftmaxClassThatIsNeverDrawnIsADataError() {
        // Class 2's score is 40 below the others: with 20 rows it is (almost surely) never drawn.
        let data = SyntheticData(Self.spec(rows: 20, weights: [[0], [0], [0]], bias: [0, 0, -40], noise: 0), kind: .softmax, runSeed: 1, targetName: "y")
        #expect(throws: DataError.self) { try data.dataset(features: nil) }
    }

    // MARK: - Config

    static let exercise = #"{"data": {"synthetic": {"rows": 100, "weights": [2, -1, 0.5], "noise_variance": 0.1}, "validation_fraction": 0}, "model": {"type": "linear", "bias": false}}"#

    @Test func aSyntheticConfigNeedsNoPathAndTargetsY() throws {
        let config = try parseConfig(Self.exercise)
        #expect(config.data.path == nil)
        #expect(config.data.target == "y")
        let synthetic = try #require(config.data.synthetic)
        #expect(synthetic.rows == 100 && synthetic.featureCount == 3)
        #expect(synthetic.weights == [[2, -1, 0.5]])
        #expect(synthetic.noiseVariance == 0.1 && synthetic.distribution == .normal && synthetic.bias == [0])
        // The resolved config reads back to the same config.
        let again = try TrainerConfig.parse(config.resolvedJSON(), defaultName: "other", file: nil)
        #expect(again == config)
        #expect(config.resolvedJSON()["data"]?["path"] == .null)
    }

    @Test func syntheticConfigErrorsNameTheirKey() {
        #expect(configErrorMessage(#"{"data": {"path": "a.csv", "synthetic": {"rows": 5, "features": 2}}, "model": {"type": "linear"}}"#)
            == "Configs/x.json: data.path: must be absent or null when data.synthetic is set (the data is generated), got \"a.csv\"")
        #expect(configErrorMessage(#"{"data": {"target": "y"}, "model": {"type": "linear"}}"#) == "Configs/x.json: data.path: required key is missing")
        #expect(configErrorMessage(#"{"data": {"path": null, "target": "y"}, "model": {"type": "linear"}}"#)
            == "Configs/x.json: data.path: expected a string, got null (null is only allowed with data.synthetic)")
        #expect(configErrorMessage(#"{"data": {"synthetic": {"rows": 5, "features": 2, "weights": [1, 2, 3]}}, "model": {"type": "linear"}}"#)
            == "Configs/x.json: data.synthetic: weights: has 3 numbers per row but features is 2")
        #expect(configErrorMessage(#"{"data": {"synthetic": {"rows": 5}}, "model": {"type": "linear"}}"#)
            == "Configs/x.json: data.synthetic: features: required when weights is null (or give weights)")
        #expect(configErrorMessage(#"{"data": {"synthetic": {"rows": 5, "weights": [1, 2]}}, "model": {"type": "softmax"}}"#)?
            .contains("softmax needs K arrays of d numbers") == true)
        #expect(configErrorMessage(#"{"data": {"synthetic": {"rows": 5, "weights": [[1, 2], [3]]}}, "model": {"type": "softmax"}}"#)?
            .contains("data.synthetic.weights: expected an array of numbers or an array of equally long arrays") == true)
        #expect(configErrorMessage(#"{"data": {"synthetic": {"rows": 5, "weights": [[1], [2]], "bias": [0, 1, 2]}}, "model": {"type": "softmax"}}"#)
            == "Configs/x.json: data.synthetic: bias: has 3 numbers but there are 2 classes")
        #expect(configErrorMessage(#"{"data": {"synthetic": {"rows": 0, "features": 1}}, "model": {"type": "linear"}}"#)
            == "Configs/x.json: data.synthetic.rows: must be >= 1, got 0")
        #expect(configErrorMessage(#"{"data": {"target": "x2", "synthetic": {"rows": 5, "features": 2}}, "model": {"type": "linear"}}"#)?
            .contains("also the name of a generated feature column") == true)
    }

    @Test func theReportComparesRawScaleWeightsWithTheTruth() throws {
        // Standardization on: the report maps weights back to the raw scale before comparing.
        let spec = Self.spec(rows: 400, weights: [[3, -2]], bias: [1], noise: 0.01)
        let data = SyntheticData(spec, kind: .linear, runSeed: 5, targetName: "y")
        let dataset = try data.dataset(features: nil)
        let model = ModelConfig(type: .linear, bias: true, l2: 0, l1: 0)
        let dataConfig = DataConfig(path: nil, target: "y", features: nil, validationFraction: 0, standardize: true, synthetic: spec)
        let prepared = try PreparedData(dataset: dataset, model: model, data: dataConfig, seed: 5)
        let optimum = try ReferenceSolver.solve(prepared.train)
        let report = SyntheticDataReport(data: data, prepared: prepared, trainedParameters: optimum.parameters, referenceParameters: optimum.parameters)
        let raw = try #require(report.reference)
        #expect(abs(raw[0][0] - 3) < 0.02 && abs(raw[0][1] + 2) < 0.02, "\(raw)")
        let distance = try #require(report.referenceDistance)
        #expect(distance < 0.03 && distance == report.trainedDistance)
    }
}
