import Foundation

/// The trained model as written to `model.json`: enough to predict on new rows without the
/// config. Weights act on standardized features, x' = (x − mean) / scale.
///
/// Fields (a user-facing contract): `type`, `features`, `target`, `classes` (classifiers),
/// `weights` (d numbers for linear and logistic; K arrays of d numbers for softmax, one per
/// class in `classes` order), `bias` (a number, or K numbers), `fits_bias`, and
/// `standardization` with `mean` and `scale`.
public struct SavedModel: Equatable, Sendable {
    public var kind: ModelKind
    public var features: [String]
    public var target: String
    public var classes: [String]?
    /// θ in the objective's layout: W (d×K row-major), then K biases when `fitsBias`.
    public var parameters: [Double]
    public var fitsBias: Bool
    public var standardizer: Standardizer
    /// Training-split means that replace empty feature fields (`data.missing = "impute_mean"`),
    /// in raw units, one per feature; nil when the model was trained without imputation.
    public var imputationMeans: [Double]?

    public init(kind: ModelKind, features: [String], target: String, classes: [String]?, parameters: [Double], fitsBias: Bool, standardizer: Standardizer, imputationMeans: [Double]? = nil) {
        self.kind = kind
        self.features = features
        self.target = target
        self.classes = classes
        self.parameters = parameters
        self.fitsBias = fitsBias
        self.standardizer = standardizer
        self.imputationMeans = imputationMeans
    }

    /// Scores per example, K.
    public var outputs: Int { kind == .softmax ? (classes?.count ?? 1) : 1 }

    /// Weight of feature j for output c.
    public func weight(feature j: Int, output c: Int) -> Double {
        parameters[j * outputs + c]
    }

    /// Bias of output c (0 without a bias).
    public func bias(output c: Int) -> Double {
        fitsBias ? parameters[features.count * outputs + c] : 0
    }

    /// The JSON document of `model.json`.
    public func json() -> JSONValue {
        let d = features.count, k = outputs
        let weights: JSONValue
        let bias: JSONValue
        if kind == .softmax {
            weights = .array((0..<k).map { c in .array((0..<d).map { .number(weight(feature: $0, output: c)) }) })
            bias = .array((0..<k).map { .number(self.bias(output: $0)) })
        } else {
            weights = .array((0..<d).map { .number(weight(feature: $0, output: 0)) })
            bias = .number(self.bias(output: 0))
        }
        var fields: [(String, JSONValue)] = [
            ("format_version", .number(1)),
            ("type", .string(kind.rawValue)),
            ("features", .array(features.map { .string($0) })),
            ("target", .string(target)),
        ]
        if let classes { fields.append(("classes", .array(classes.map { .string($0) }))) }
        fields += [
            ("weights", weights),
            ("bias", bias),
            ("fits_bias", .bool(fitsBias)),
            ("standardization", .object([
                ("mean", .array(standardizer.mean.map { .number($0) })),
                ("scale", .array(standardizer.scale.map { .number($0) })),
            ])),
        ]
        if let imputationMeans {
            fields.append(("imputation", .object([
                ("strategy", .string("mean")),
                ("mean", .array(imputationMeans.map { .number($0) })),
            ])))
        }
        return .object(fields)
    }
}

extension SavedModel {
    /// Reads `model.json` from `path`.
    ///
    /// - Throws: `RunReadError` naming the file, and the line/column (syntax) or key (shape).
    public static func load(path: String) throws(RunReadError) -> SavedModel {
        let reader = try JSONFieldReader.load(path: path)
        return try SavedModel(json: reader.value, file: path)
    }

    /// Parses the document `json()` writes, checking every shape against `features` and `classes`
    /// so a hand-edited or truncated file fails here with its key, not later with an index trap.
    /// `file` is only used in errors.
    public init(json: JSONValue, file: String) throws(RunReadError) {
        let r = JSONFieldReader(json, file: file)
        if let version = try r.number("format_version"), version != 1 {
            throw r.error("format_version", "unsupported version \(fmt(version)); this trainer reads version 1")
        }
        guard let typeName = try r.string("type") else { throw r.error("type", "missing: expected \"linear\", \"logistic\" or \"softmax\"") }
        guard let kind = ModelKind(rawValue: typeName) else {
            throw r.error("type", "unknown model type \"\(typeName)\": expected \"linear\", \"logistic\" or \"softmax\"")
        }
        guard let features = try r.strings("features"), !features.isEmpty else { throw r.error("features", "missing or empty: expected the feature column names") }
        var seen: Set<String> = []
        for (i, name) in features.enumerated() where !seen.insert(name).inserted {
            throw r.error("features[\(i)]", "feature \"\(name)\" is listed twice")
        }
        guard let target = try r.string("target") else { throw r.error("target", "missing: expected the target column name") }
        let classes = try r.strings("classes")
        switch kind {
        case .linear:
            if classes != nil { throw r.error("classes", "a linear model has no classes") }
        case .logistic:
            guard classes?.count == 2 else { throw r.error("classes", "a logistic model needs exactly 2 classes") }
        case .softmax:
            guard let classes, classes.count >= 2 else { throw r.error("classes", "a softmax model needs at least 2 classes") }
            if Set(classes).count != classes.count { throw r.error("classes", "a class is listed twice") }
        }
        let fitsBias = try r.bool("fits_bias") ?? true
        let d = features.count
        let k = kind == .softmax ? (classes?.count ?? 0) : 1

        // θ layout: W (d×K, row-major, so feature-major), then K biases when fitsBias.
        var parameters = [Double](repeating: 0, count: d * k + (fitsBias ? k : 0))
        var biases: [Double]
        if kind == .softmax {
            guard case .array(let rows) = try r.required("weights") else {
                throw r.error("weights", "expected \(k) arrays (one per class) of \(d) numbers")
            }
            guard rows.count == k else { throw r.error("weights", "expected \(k) arrays (one per class), found \(rows.count)") }
            for (c, row) in rows.enumerated() {
                let w = try JSONFieldReader.numbers(row, file: file, path: "weights[\(c)]", count: d)
                for j in 0..<d { parameters[j * k + c] = w[j] }
            }
            biases = try r.numbers("bias", count: k)
        } else {
            let w = try r.numbers("weights", count: d)
            for j in 0..<d { parameters[j] = w[j] }
            guard let b = try r.number("bias") else { throw r.error("bias", "missing or null: expected a finite number") }
            biases = [b]
        }
        if fitsBias {
            for c in 0..<k { parameters[d * k + c] = biases[c] }
        } else if biases.contains(where: { $0 != 0 }) {
            throw r.error("bias", "is non-zero but fits_bias is false")
        }
        guard let s = try r.object("standardization") else {
            throw r.error("standardization", "missing: expected {\"mean\": [...], \"scale\": [...]} with \(d) numbers each")
        }
        let mean = try s.numbers("mean", count: d)
        let scale = try s.numbers("scale", count: d)
        for (j, v) in scale.enumerated() where !(v > 0) {
            throw s.error("scale[\(j)]", "must be positive, got \(fmt(v))")
        }
        var imputationMeans: [Double]?
        if let imputation = try r.object("imputation") {
            guard try imputation.string("strategy") == "mean" else {
                throw imputation.error("strategy", "unknown imputation strategy: expected \"mean\"")
            }
            imputationMeans = try imputation.numbers("mean", count: d)
        }
        self.init(kind: kind, features: features, target: target, classes: classes, parameters: parameters,
                  fitsBias: fitsBias, standardizer: Standardizer(mean: mean, scale: scale), imputationMeans: imputationMeans)
    }
}
