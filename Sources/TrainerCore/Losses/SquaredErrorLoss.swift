// Squared error, the per-example term of the MSE objective:
//
//     ℓ(z, y) = (z − y)²          ∂ℓ/∂z = 2(z − y)
//
// so that L = (1/m) Σᵢ ℓ(xᵢᵀw + b, yᵢ) + (λ/2)‖w‖² and ∇w L = (2/m) Xᵀr + λw with r = Xw + b − y.

/// Squared error on a single score: ℓ(z, y) = (z − y)².
public struct SquaredErrorLoss: ScoreLoss {
    public init() {}

    public var outputs: Int { 1 }

    public func lossAndScoreGradient(
        scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int,
        scoreGradient: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        var total = 0.0
        for i in 0..<rows {
            let r = scores[i] - targets[i]
            total += r * r
            scoreGradient[i] = 2 * r
        }
        return total
    }

    public func loss(scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int) -> Double {
        var total = 0.0
        for i in 0..<rows {
            let r = scores[i] - targets[i]
            total += r * r
        }
        return total
    }
}
