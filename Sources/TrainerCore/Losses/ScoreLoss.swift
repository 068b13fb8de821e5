/// A per-example loss written in score space, in the style of scikit-learn's `_sgd_fast` losses:
/// the model produces scores z = xᵀW + b (K per example) and the loss only ever sees scores and
/// targets. Gradients with respect to the parameters follow by the chain rule in
/// `LinearModelObjective` (∇W = Xᵀ·∂L/∂Z, ∇b = 1ᵀ·∂L/∂Z), so each loss stays a few lines of
/// numerically careful scalar code.
public protocol ScoreLoss: Sendable {
    /// Number of scores per example (K).
    var outputs: Int { get }

    /// Returns Σᵢ ℓ(zᵢ, yᵢ) over `rows` examples and writes ∂ℓ/∂zᵢ into `scoreGradient`.
    ///
    /// - Parameters:
    ///   - scores: row-major `rows` × `outputs` scores.
    ///   - targets: `rows` targets (a value, or a class index stored as a Double).
    ///   - scoreGradient: row-major `rows` × `outputs`, overwritten.
    func lossAndScoreGradient(
        scores: UnsafeBufferPointer<Double>,
        targets: UnsafeBufferPointer<Double>,
        rows: Int,
        scoreGradient: UnsafeMutableBufferPointer<Double>
    ) -> Double

    /// Σᵢ ℓ(zᵢ, yᵢ) only (no gradient), for evaluation passes.
    func loss(scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int) -> Double
}

/// The score-space loss of a model kind (`classCount` matters for softmax only).
public func makeScoreLoss(for kind: ModelKind, classCount: Int) -> any ScoreLoss {
    switch kind {
    case .linear: return SquaredErrorLoss()
    case .logistic: return LogisticLoss()
    case .softmax: return SoftmaxCrossEntropyLoss(classCount: classCount)
    }
}
