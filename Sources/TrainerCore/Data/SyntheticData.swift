#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A generated dataset with known true parameters (`data.synthetic`), for textbook
/// experiments where the answer is known: y = Xw* + b* + ε.
///
/// Generation, all from one `SeededGenerator` so that a config and seed give the same bits:
/// 1. When `weights` is null, the true weights are drawn first, each from N(0, 1), class by
///    class (row-major K×d).
/// 2. Then row by row: the d features (N(0, 1), or uniform on [-1, 1)), then K noise draws
///    z ~ N(0, 1) (ε = √σ²·z, drawn even when σ² = 0 so the sequence does not depend on σ²),
///    then, for classifiers, one uniform u that picks the label:
///    - linear: y = x·w* + b* + ε;
///    - logistic: y = 1 if u < σ(x·w* + b* + ε), else 0;
///    - softmax: the first class c with u < Σ_{k≤c} softmax(x·W*ᵀ + b* + ε)_k.
///    Row by row means that a longer table starts with the shorter one: rows are prefix-stable.
///
/// The generator is seeded with `seed XOR streamSalt` (seed = `data.synthetic.seed`, or the
/// run's seed), so that with the default seed the data draws do not coincide with the trainer's
/// shuffling stream, which is seeded with the run's seed itself.
///
/// The table is handed to training through its CSV text (`csv()`, shortest round-trip
/// decimals, parsed back exactly), so the run trains on precisely the `data.csv` it saves.
public struct SyntheticData: Sendable {
    /// The settings it was generated from.
    public let config: SyntheticDataConfig
    /// The model family the targets were drawn for.
    public let kind: ModelKind
    /// The seed actually used (before the salt).
    public let seed: UInt64
    /// True weights, K rows of d numbers (K = 1 for linear and logistic).
    public let trueWeights: [[Double]]
    /// True intercepts, K numbers.
    public let trueBias: [Double]
    /// m × d features.
    public let features: Matrix
    /// Targets: values (linear), 0/1 (logistic) or class indices 0..<K (softmax).
    public let targets: [Double]
    /// Name of the target column in `data.csv`.
    public let targetName: String

    /// Mixed into the seed so the data stream differs from the trainer's shuffling stream.
    public static let streamSalt: UInt64 = 0xDA7A_5EED_0F_5A17

    /// File names inside the run folder.
    public static let dataFileName = "data.csv"
    public static let trueWeightsFileName = "true_weights.json"

    /// Number of features d.
    public var featureCount: Int { features.columns }
    /// Column names x1…xd.
    public var featureNames: [String] { (0..<featureCount).map { "x\($0 + 1)" } }

    /// Generates the table. `config` must have passed validation (shapes agree).
    public init(_ config: SyntheticDataConfig, kind: ModelKind, runSeed: UInt64, targetName: String) {
        self.config = config
        self.kind = kind
        self.targetName = targetName
        let seed = config.seed ?? runSeed
        self.seed = seed
        let d = config.featureCount
        let k = config.outputCount(for: kind)
        let m = config.rows
        var rng = SeededGenerator(seed: seed ^ Self.streamSalt)

        var weights: [[Double]]
        if let given = config.weights {
            weights = given
        } else {
            weights = (0..<k).map { _ in (0..<d).map { _ in rng.nextGaussian() } }
        }
        trueWeights = weights
        trueBias = config.bias.count == k ? config.bias : Array(repeating: config.bias.first ?? 0, count: k)

        let noiseScale = config.noiseVariance.squareRoot()
        var x = Matrix(rows: m, columns: d)
        var y = [Double](repeating: 0, count: m)
        var scores = [Double](repeating: 0, count: k)
        for i in 0..<m {
            for j in 0..<d {
                x.values[i * d + j] = config.distribution == .normal ? rng.nextGaussian() : 2 * rng.nextUnitDouble() - 1
            }
            for c in 0..<k {
                var s = trueBias[c]
                for j in 0..<d { s += x.values[i * d + j] * weights[c][j] }
                scores[c] = s + noiseScale * rng.nextGaussian()
            }
            switch kind {
            case .linear:
                y[i] = scores[0]
            case .logistic:
                let u = rng.nextUnitDouble()
                y[i] = u < Self.sigmoid(scores[0]) ? 1 : 0
            case .softmax:
                let u = rng.nextUnitDouble()
                y[i] = Double(Self.drawClass(scores: scores, uniform: u))
            }
        }
        features = x
        targets = y
    }

    static func sigmoid(_ z: Double) -> Double {
        // Written for each sign so that exp never overflows.
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// The class whose cumulative softmax probability first exceeds `uniform`.
    static func drawClass(scores: [Double], uniform: Double) -> Int {
        let top = scores.max() ?? 0
        let weights = scores.map { exp($0 - top) }
        let total = weights.reduce(0, +)
        var cumulative = 0.0
        for (c, w) in weights.enumerated() {
            cumulative += w / total
            if uniform < cumulative { return c }
        }
        // Rounding can leave the last cumulative sum a hair below 1.
        return weights.count - 1
    }

    /// The table as CSV: header x1…xd and the target, numbers in Swift's shortest round-trip
    /// form (which any CSV reader parses back to the same doubles), class labels as integers.
    public func csv() -> String {
        var text = (featureNames + [targetName]).joined(separator: ",") + "\n"
        let d = featureCount
        for i in 0..<features.rows {
            for j in 0..<d {
                text += features.values[i * d + j].description
                text += ","
            }
            text += kind == .linear ? targets[i].description : String(Int(targets[i]))
            text += "\n"
        }
        return text
    }

    /// `true_weights.json`: the parameters the data was drawn from, in `model.json`'s layout
    /// (weights: d numbers, or K arrays of d numbers for softmax; bias: a number, or K numbers).
    public func trueWeightsJSON() -> JSONValue {
        let weights: JSONValue = kind == .softmax
            ? .array(trueWeights.map { .array($0.map(JSONValue.number)) })
            : .array((trueWeights.first ?? []).map(JSONValue.number))
        let bias: JSONValue = kind == .softmax ? .array(trueBias.map(JSONValue.number)) : .number(trueBias.first ?? 0)
        var fields: [(String, JSONValue)] = [
            ("model", .string(kind.rawValue)),
            ("features", .array(featureNames.map(JSONValue.string))),
            ("target", .string(targetName)),
        ]
        if kind == .softmax {
            fields.append(("classes", .array((0..<trueWeights.count).map { .string(String($0)) })))
        }
        fields += [
            ("weights", weights),
            ("bias", bias),
            ("noise_variance", .number(config.noiseVariance)),
            ("distribution", .string(config.distribution.rawValue)),
            ("rows", .number(Double(config.rows))),
            ("seed", .number(Double(seed))),
        ]
        return .object(fields)
    }

    /// The dataset training sees: the CSV text parsed by `DatasetLoader` with the config's
    /// column choices, exactly as if `data.csv` had been given as `data.path`.
    public func dataset(features selected: [String]?, csv text: String? = nil) throws(DataError) -> Dataset {
        let source = Self.dataFileName + " (generated)"
        var dataset = try DatasetLoader.load(
            contents: Array((text ?? csv()).utf8), sourcePath: source, target: targetName, features: selected, kind: kind)
        if kind == .softmax {
            let k = trueWeights.count
            let found = dataset.classes ?? []
            if found.count != k {
                let missing = (0..<k).map(String.init).filter { !found.contains($0) }
                throw DataError(
                    file: source,
                    reason: "softmax data with \(k) classes drew no row of class \(missing.joined(separator: ", ")); increase data.synthetic.rows or change the weights")
            }
        }
        dataset.sourcePath = source
        return dataset
    }

    /// Writes `data.csv` and `true_weights.json` into the run folder.
    public func write(csv text: String, into directory: RunDirectory) throws(RunFolderError) {
        try AtomicFile.write(text, to: directory.file(Self.dataFileName))
        try AtomicFile.write(trueWeightsJSON().serialized() + "\n", to: directory.file(Self.trueWeightsFileName))
    }
}
