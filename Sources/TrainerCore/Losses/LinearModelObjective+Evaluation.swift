/// The per-epoch evaluation pass: the mean loss and the metric (accuracy for classifiers, R² for
/// regression) from one set of scores.
///
/// Why one pass: the evaluation used to compute the loss block by block (`meanLoss`) and then
/// the scores of the whole split again for the metric, in one product with an m × K result
/// (80 MB for 1e6 rows and 10 classes, page-faulted on every epoch) read back element by
/// element. On 1e6 × 100 with 10 classes that second pass made each epoch's evaluation take
/// several times as long as the epoch's training (figures in Benchmarks/NOTES.md, round 7).
///
/// Same results as before: the loss is `meanLoss`'s (same blocks, same parts, same order);
/// accuracy is a count; R²'s sums run row by row in the order `Metrics.rSquared` used, except
/// that a pass split between two cores (`passParts`, large data only) adds the halves' residual
/// sums.
extension LinearModelObjective {
    /// What one part of the pass adds up.
    struct EvaluationSums: Sendable {
        /// Σᵢ ℓᵢ.
        var loss = 0.0
        /// Examples whose predicted class is their target (classifiers).
        var correct = 0
        /// Σᵢ (yᵢ − ŷᵢ)² (regression).
        var squaredResidual = 0.0
    }

    /// (1/m) Σᵢ ℓᵢ without the penalty, exactly as `meanLoss`, and the metric: accuracy for
    /// classifiers, R² for regression (NaN for no examples, and R² NaN for constant targets).
    public func lossAndMetric(_ parameters: [Double]) throws(LinearAlgebraError) -> (meanLoss: Double, metric: Double) {
        let m = exampleCount
        guard m > 0 else { return (0, .nan) }
        let parts = try overPassParts { range in
            Result { () throws(LinearAlgebraError) -> EvaluationSums in try evaluationSums(parameters, rows: range) }
        }
        var total = parts[0]
        for part in parts.dropFirst() {
            total.loss += part.loss
            total.correct += part.correct
            total.squaredResidual += part.squaredResidual
        }
        let metric: Double
        if kind.isClassifier {
            metric = Double(total.correct) / Double(m)
        } else {
            let spread = targetSumOfSquares
            metric = spread > 0 ? 1 - total.squaredResidual / spread : .nan
        }
        return (total.loss / Double(m), metric)
    }

    /// The sums of `lossAndMetric` over the rows in `range`, block by block in order (the
    /// blocks of `lossSum`).
    func evaluationSums(_ parameters: [Double], rows range: Range<Int>) throws(LinearAlgebraError) -> EvaluationSums {
        let d = featureCount, k = outputs
        let classifier = kind.isClassifier
        let blockRows = blockRows(rows: exampleCount)
        var z = [Double](repeating: 0, count: min(blockRows, range.count) * k)
        var sums = EvaluationSums()
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + blockRows, range.upperBound)
            let rows = end - start
            try features.values.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) in
                try fillScores(x: UnsafeBufferPointer(rebasing: xp[(start * d)..<(end * d)]), rows: rows, parameters: parameters, into: &z)
            }
            z.withUnsafeBufferPointer { zp in
                targets.withUnsafeBufferPointer { yp in
                    let y = UnsafeBufferPointer(rebasing: yp[start..<end])
                    sums.loss += loss.loss(scores: zp, targets: y, rows: rows)
                    if classifier {
                        for i in 0..<rows where Metrics.predictedClass(scores: zp, row: i, classes: k) == Int(y[i]) {
                            sums.correct += 1
                        }
                    } else {
                        for i in 0..<rows { sums.squaredResidual += (y[i] - zp[i]) * (y[i] - zp[i]) }
                    }
                }
            }
            start = end
        }
        return sums
    }
}
