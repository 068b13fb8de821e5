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

    public init(kind: ModelKind, features: [String], target: String, classes: [String]?, parameters: [Double], fitsBias: Bool, standardizer: Standardizer) {
        self.kind = kind
        self.features = features
        self.target = target
        self.classes = classes
        self.parameters = parameters
        self.fitsBias = fitsBias
        self.standardizer = standardizer
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
        return .object(fields)
    }
}
