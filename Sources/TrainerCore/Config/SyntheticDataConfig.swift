/// Synthetic data instead of a CSV file (`data.synthetic.*`): rows x drawn from
/// `distribution`, targets from true weights w* and intercept b* plus Gaussian noise.
/// `SyntheticData` generates the table.
public struct SyntheticDataConfig: Equatable, Sendable {
    /// Number of rows m (`rows`).
    public var rows: Int
    /// Number of features d (`features`); nil takes it from `weights`.
    public var features: Int?
    /// True weights (`weights`), one row per output: a single row for linear and logistic
    /// models, K rows (one per class) for softmax; nil draws them from N(0, 1).
    public var weights: [[Double]]?
    /// True intercept (`bias`): one number (every output), or one per class.
    public var bias: [Double]
    /// Variance of the Gaussian noise added to every score (`noise_variance`).
    public var noiseVariance: Double
    /// Feature distribution (`distribution`).
    public var distribution: SyntheticDistribution
    /// Number of classes K for softmax (`classes`); nil takes it from `weights`.
    public var classes: Int?
    /// Generator seed (`seed`); nil uses the run's seed.
    public var seed: UInt64?

    /// Creates a synthetic-data section with every field given.
    public init(
        rows: Int, features: Int?, weights: [[Double]]?, bias: [Double], noiseVariance: Double,
        distribution: SyntheticDistribution, classes: Int?, seed: UInt64?
    ) {
        self.rows = rows
        self.features = features
        self.weights = weights
        self.bias = bias
        self.noiseVariance = noiseVariance
        self.distribution = distribution
        self.classes = classes
        self.seed = seed
    }

    /// d: `features`, else the length of a weight row. Validation guarantees one of them.
    public var featureCount: Int {
        features ?? weights?.first?.count ?? 0
    }

    /// Outputs K of the model the data is drawn for: the class count for softmax, else 1.
    public func outputCount(for kind: ModelKind) -> Int {
        kind == .softmax ? (classes ?? weights?.count ?? 2) : 1
    }

    /// Largest table generated: rows × features values (400 MB of doubles), so a typo such
    /// as an extra zero is a config error rather than an out-of-memory crash.
    public static let maxValues = 50_000_000

    /// Why the resolved `data.synthetic.*` values do not fit together (or nil). Each message
    /// names the key it is about, because the constraint is reported at `data.synthetic`.
    static func shapeViolation(resolved r: [String: JSONValue]) -> String? {
        guard let section = r["data.synthetic"], section != .null else { return nil }
        let kind = r["model.type"].flatMap { value -> ModelKind? in
            if case .string(let s) = value { return ModelKind(rawValue: s) }
            return nil
        } ?? .linear
        func int(_ key: String) -> Int? {
            if case .number(let n)? = r["data.synthetic." + key] { return Int(exactly: n) }
            return nil
        }
        let rows = int("rows") ?? 0
        var weightRows: [[JSONValue]]?
        var isMatrix = false
        switch r["data.synthetic.weights"] {
        case .array(let elements)?:
            if case .array = elements.first {
                isMatrix = true
                weightRows = elements.map { element in
                    if case .array(let row) = element { return row }
                    return []
                }
            } else {
                weightRows = [elements]
            }
        default:
            weightRows = nil
        }
        let features = int("features")
        let classes = int("classes")

        if kind == .softmax {
            if isMatrix == false, weightRows != nil {
                return "weights: softmax needs K arrays of d numbers (one per class), got a single array"
            }
            if let weightRows, let classes, weightRows.count != classes {
                return "weights: has \(weightRows.count) rows but classes is \(classes)"
            }
            if weightRows == nil && classes == nil {
                return "classes: softmax needs classes (or weights with one row per class)"
            }
        } else {
            if isMatrix {
                return "weights: \(kind.rawValue) regression needs one array of d numbers, got an array of arrays (that form is for softmax)"
            }
            if classes != nil {
                return "classes: only softmax takes classes; model.type is \(kind.rawValue)"
            }
        }
        if let weightRows, let features, let d = weightRows.first?.count, d != features {
            return "weights: has \(d) numbers per row but features is \(features)"
        }
        if weightRows == nil && features == nil {
            return "features: required when weights is null (or give weights)"
        }
        let d = features ?? weightRows?.first?.count ?? 0
        let k = kind == .softmax ? (classes ?? weightRows?.count ?? 2) : 1
        if case .array(let bias)? = r["data.synthetic.bias"] {
            if kind != .softmax {
                return "bias: \(kind.rawValue) regression has one intercept; give a number"
            }
            if bias.count != k {
                return "bias: has \(bias.count) numbers but there are \(k) classes"
            }
        }
        if rows > 0, d > 0, rows > maxValues / d {
            return "rows × features = \(rows) × \(d) is above the limit of \(maxValues) values"
        }
        if case .string(let target)? = r["data.target"], target.hasPrefix("x"),
           let index = Int(target.dropFirst()), index >= 1, index <= d, "x\(index)" == target {
            return "data.target \"\(target)\" is also the name of a generated feature column (x1…x\(d))"
        }
        return nil
    }
}
