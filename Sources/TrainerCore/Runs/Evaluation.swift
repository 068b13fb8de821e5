import Foundation

/// How well a saved model does on a labelled CSV file: `trainer evaluate`.
///
/// The loss is the mean per-example loss of training's objective *without* the L2/L1 penalty
/// (the penalty depends on the weights, not on the data, so it says nothing about this file);
/// for linear models it therefore equals the MSE. Classifiers add accuracy and a confusion
/// matrix; regression adds MSE, RMSE, MAE and R².
public struct Evaluation: Sendable {
    public var kind: ModelKind
    /// Rows evaluated.
    public var rows: Int
    /// (1/m) Σ ℓ(zᵢ, yᵢ), no penalty.
    public var meanLoss: Double
    /// Classifiers: class names in model order.
    public var classes: [String]?
    /// Classifiers: fraction of rows whose predicted label is the true one.
    public var accuracy: Double?
    /// Classifiers: `confusion[true][predicted]` counts.
    public var confusion: [[Int]]?
    public var mse: Double?
    public var rmse: Double?
    public var mae: Double?
    /// NaN when the file's targets are constant.
    public var r2: Double?

    /// Evaluates `predictor` on `input`; nil when `input` was read without its targets.
    public static func compute(predictor: Predictor, input: ModelInput) -> Evaluation? {
        let model = predictor.model
        guard let targets = input.targets, !targets.isEmpty else { return nil }
        let m = targets.count
        let k = model.outputs
        let loss = makeScoreLoss(for: model.kind, classCount: max(k, 2))
        let predictions = predictor.predictions(input)
        let d = input.features.columns
        var total = 0.0
        for i in 0..<m {
            let z = predictor.scores(input.features.values[i * d..<(i + 1) * d])
            total += z.withUnsafeBufferPointer { zp in
                [targets[i]].withUnsafeBufferPointer { yp in loss.loss(scores: zp, targets: yp, rows: 1) }
            }
        }
        var result = Evaluation(kind: model.kind, rows: m, meanLoss: total / Double(m), classes: model.classes)
        if model.kind.isClassifier {
            let classCount = model.classes?.count ?? 2
            var confusion = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
            var correct = 0
            for (p, y) in zip(predictions, targets) {
                guard case .label(let c, _) = p else { continue }
                let t = Int(y)
                confusion[t][c] += 1
                if t == c { correct += 1 }
            }
            result.accuracy = Double(correct) / Double(m)
            result.confusion = confusion
        } else {
            var values: [Double] = []
            var squares = 0.0, absolutes = 0.0
            for (p, y) in zip(predictions, targets) {
                guard case .value(let v) = p else { continue }
                values.append(v)
                squares += (v - y) * (v - y)
                absolutes += abs(v - y)
            }
            result.mse = squares / Double(m)
            result.rmse = (squares / Double(m)).squareRoot()
            result.mae = absolutes / Double(m)
            result.r2 = Metrics.rSquared(predictions: values, targets: targets)
        }
        return result
    }

    /// The report printed by `trainer evaluate`.
    public func text(runName: String, dataPath: String) -> String {
        var lines = [
            "run        \(runName)",
            "data       \(dataPath) (\(rows) rows)",
            "loss       \(fmt(meanLoss)) (mean \(lossName), without the L2/L1 penalty)",
        ]
        if let accuracy, let confusion, let classes {
            let correct = (0..<confusion.count).reduce(0) { $0 + confusion[$1][$1] }
            lines.append("accuracy   \(fmt(accuracy)) (\(correct) of \(rows))")
            lines.append("")
            lines.append("confusion matrix (rows: true class, columns: predicted class)")
            lines += Self.confusionTable(confusion, classes: classes)
        } else {
            lines.append("MSE        \(fmt(mse ?? .nan))")
            lines.append("RMSE       \(fmt(rmse ?? .nan))")
            lines.append("MAE        \(fmt(mae ?? .nan))")
            lines.append("R²         \(fmt(r2 ?? .nan))\((r2?.isNaN ?? false) ? " (the targets are constant)" : "")")
        }
        return lines.joined(separator: "\n")
    }

    var lossName: String {
        switch kind {
        case .linear: return "squared error"
        case .logistic: return "binary cross-entropy"
        case .softmax: return "cross-entropy"
        }
    }

    /// A labelled, right-aligned count table with row totals.
    static func confusionTable(_ confusion: [[Int]], classes: [String]) -> [String] {
        let corner = "true \\ predicted"
        let labelWidth = max(corner.count, classes.map(\.count).max() ?? 0)
        let cells = confusion.flatMap { $0 }.map { String($0) }
        let width = max(classes.map(\.count).max() ?? 1, cells.map(\.count).max() ?? 1, 5)
        func pad(_ s: String, _ w: Int, left: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(w - s.count, 0))
            return left ? s + fill : fill + s
        }
        var lines = [pad(corner, labelWidth, left: true) + classes.map { "  " + pad($0, width) }.joined() + "  " + pad("total", width)]
        for (t, row) in confusion.enumerated() {
            lines.append(pad(classes[t], labelWidth, left: true) + row.map { "  " + pad(String($0), width) }.joined() + "  " + pad(String(row.reduce(0, +)), width))
        }
        return lines
    }

    /// The same information as one JSON document.
    public func json(runName: String, dataPath: String) -> JSONValue {
        func n(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        var fields: [(String, JSONValue)] = [
            ("run", .string(runName)),
            ("data", .string(dataPath)),
            ("model", .string(kind.rawValue)),
            ("rows", .number(Double(rows))),
            ("loss", n(meanLoss)),
            ("loss_note", .string("mean \(lossName) over the rows, without the L2/L1 penalty")),
        ]
        if let accuracy, let confusion, let classes {
            fields += [
                ("accuracy", n(accuracy)),
                ("classes", .array(classes.map { .string($0) })),
                ("confusion", .array(confusion.map { .array($0.map { .number(Double($0)) }) })),
                ("confusion_note", .string("confusion[i][j] = rows of true class i predicted as class j")),
            ]
        } else {
            fields += [("mse", n(mse)), ("rmse", n(rmse)), ("mae", n(mae)), ("r2", n(r2))]
        }
        return .object(fields)
    }
}
