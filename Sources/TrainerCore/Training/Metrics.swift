/// Quality measures reported next to the loss.
public enum Metrics {
    /// Fraction of rows whose highest score picks the right class. For one score per row
    /// (logistic), class 1 is predicted when z > 0, i.e. σ(z) > 0.5.
    public static func accuracy(scores: Matrix, targets: [Double]) -> Double {
        guard scores.rows > 0 else { return .nan }
        var correct = 0
        for i in 0..<scores.rows {
            if predictedClass(scores: scores, row: i) == Int(targets[i]) { correct += 1 }
        }
        return Double(correct) / Double(scores.rows)
    }

    /// The class a row's scores predict.
    public static func predictedClass(scores: Matrix, row i: Int) -> Int {
        scores.values.withUnsafeBufferPointer { predictedClass(scores: $0, row: i, classes: scores.columns) }
    }

    /// The class row `i` of a row-major score block with `classes` columns predicts (the first
    /// of equal maxima).
    @inline(__always)
    static func predictedClass(scores: UnsafeBufferPointer<Double>, row i: Int, classes k: Int) -> Int {
        if k == 1 { return scores[i] > 0 ? 1 : 0 }
        let row = i * k
        var best = 0
        for j in 1..<k where scores[row + j] > scores[row + best] { best = j }
        return best
    }

    /// Coefficient of determination 1 − SS_res / SS_tot (NaN when the targets are constant).
    public static func rSquared(predictions: [Double], targets: [Double]) -> Double {
        guard !targets.isEmpty else { return .nan }
        var residual = 0.0
        for (p, y) in zip(predictions, targets) { residual += (y - p) * (y - p) }
        let total = totalSumOfSquares(targets)
        return total > 0 ? 1 - residual / total : .nan
    }

    /// SS_tot = Σᵢ (yᵢ − ȳ)², summed in row order.
    static func totalSumOfSquares(_ targets: [Double]) -> Double {
        guard !targets.isEmpty else { return 0 }
        let mean = targets.reduce(0, +) / Double(targets.count)
        var total = 0.0
        for y in targets { total += (y - mean) * (y - mean) }
        return total
    }
}
