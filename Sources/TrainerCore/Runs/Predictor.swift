import Foundation

/// Applies a saved model to raw feature rows: standardize with the training split's mean and
/// scale, compute the scores z = x'ᵀW + b, then turn them into a prediction.
///
/// Probabilities are computed so they never overflow or turn into NaN for finite scores:
/// σ(z) on the branch whose exponential cannot overflow (and p₀ as σ(−z), not 1 − σ(z), so a
/// tiny p₀ keeps its digits), and softmax with the maximum score subtracted first.
public struct Predictor: Sendable {
    /// What the model says about one row.
    public enum Prediction: Equatable, Sendable {
        /// Linear regression: the predicted target.
        case value(Double)
        /// Classifiers: the predicted class index and one probability per class in `classes` order.
        case label(Int, probabilities: [Double])
    }

    /// The model applied.
    public let model: SavedModel

    /// Wraps a model (already validated by `SavedModel.init(json:file:)` or built in code).
    public init(model: SavedModel) {
        self.model = model
    }

    /// The K scores for one row of raw (unstandardized) features in `model.features` order.
    /// Entries beyond the model's feature count are ignored (rows from `ModelInput` always fit).
    public func scores(_ x: ArraySlice<Double>) -> [Double] {
        let k = model.outputs
        var z = (0..<k).map { model.bias(output: $0) }
        let mean = model.standardizer.mean, scale = model.standardizer.scale
        // zip stops at the shortest, so a long row cannot index past the model's arrays.
        for (j, raw) in zip(0..<min(model.features.count, mean.count, scale.count), x) {
            let standardized = (raw - mean[j]) / scale[j]
            for c in 0..<k { z[c] += standardized * model.weight(feature: j, output: c) }
        }
        return z
    }

    /// Class probabilities from scores: [σ(−z), σ(z)] for one score, softmax for several.
    public static func probabilities(scores z: [Double]) -> [Double] {
        if z.count == 1 {
            return [LogisticLoss.sigmoid(-z[0]), LogisticLoss.sigmoid(z[0])]
        }
        let shift = z.max() ?? 0
        let e = z.map { exp($0 - shift) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// The prediction for one row of raw features in `model.features` order.
    ///
    /// The predicted class is the highest score's, matching training's accuracy: for logistic,
    /// class 1 exactly when z > 0; ties go to the lower class index.
    public func predict(_ x: ArraySlice<Double>) -> Prediction {
        let z = scores(x)
        guard model.kind.isClassifier else { return .value(z[0]) }
        let label: Int
        if z.count == 1 {
            label = z[0] > 0 ? 1 : 0
        } else {
            var best = 0
            for c in 1..<z.count where z[c] > z[best] { best = c }
            label = best
        }
        return .label(label, probabilities: Self.probabilities(scores: z))
    }

    /// Predictions for every row of `input`, in row order.
    public func predictions(_ input: ModelInput) -> [Prediction] {
        let d = input.features.columns
        return (0..<input.features.rows).map { i in predict(input.features.values[i * d..<(i + 1) * d]) }
    }

    /// The header of the predictions CSV: `prediction` for regression, otherwise `label` and one
    /// `p_<class>` column per class in `classes` order.
    public var csvHeader: String {
        guard model.kind.isClassifier, let classes = model.classes else { return "prediction" }
        return (["label"] + classes.map { "p_" + $0 }).map(Self.csvQuoted).joined(separator: ",")
    }

    /// One CSV row; numbers use the shortest text that reads back bit-exactly.
    public func csvRow(_ prediction: Prediction) -> String {
        switch prediction {
        case .value(let y):
            return format(y)
        case .label(let c, let p):
            let name = model.classes.map { $0.indices.contains(c) ? $0[c] : String(c) } ?? String(c)
            return ([Self.csvQuoted(name)] + p.map { format($0) }).joined(separator: ",")
        }
    }

    /// The whole predictions CSV for `input`, header first, one line per input row.
    public func csv(_ input: ModelInput) -> String {
        var text = csvHeader + "\n"
        for p in predictions(input) {
            text += csvRow(p)
            text += "\n"
        }
        return text
    }

    /// RFC 4180 quoting, only when the text needs it (class names are user data).
    static func csvQuoted(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.first == " " || s.last == " " else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
