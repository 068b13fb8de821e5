#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Binary cross-entropy on a logit z with y ∈ {0, 1}:
//
//     ℓ(z, y) = log(1 + eᶻ) − y·z = y·softplus(−z) + (1 − y)·softplus(z)
//     ∂ℓ/∂z   = σ(z) − y
//
// softplus(t) = log(1 + eᵗ) is evaluated as max(t, 0) + log1p(e^−|t|), which never overflows.
// The second form of ℓ matters for accuracy: with y = 1 and z = 40, log(1 + e⁴⁰) − 40 cancels
// to 0 in doubles, while softplus(−40) = 4.2e−18 is exact to the last bit. σ is evaluated on the
// branch where the exponential cannot overflow.

/// Logistic (binary cross-entropy) loss on one logit, finite and accurate for any finite z.
public struct LogisticLoss: ScoreLoss {
    public init() {}

    public var outputs: Int { 1 }

    /// log(1 + eᵗ) without overflow or cancellation.
    @inlinable
    public static func softplus(_ t: Double) -> Double {
        max(t, 0) + log1p(exp(-abs(t)))
    }

    /// 1 / (1 + e⁻ᶻ), on the branch whose exponential cannot overflow.
    @inlinable
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 {
            return 1 / (1 + exp(-z))
        }
        let e = exp(z)
        return e / (1 + e)
    }

    /// ℓ(z, y) = y·softplus(−z) + (1 − y)·softplus(z) and σ(z) from one exponential and one
    /// logarithm, bit for bit what the two formulas give separately: both softplus(z) and
    /// softplus(−z) use log1p(e^−|z|), and σ(z) uses e^−|z| on either branch. Evaluating them
    /// separately took 3 `exp` and 2 `log1p` per example, the bulk of a logistic epoch's
    /// arithmetic (tests check the shared form against the separate one). Targets are exactly
    /// 0 or 1 (the loader enforces it); the general form keeps ℓ smooth in y for the gradient
    /// checks.
    @inlinable
    static func termAndSigmoid(_ z: Double, _ y: Double) -> (term: Double, sigmoid: Double) {
        let e = exp(-abs(z))
        let l = log1p(e)
        let term = y * (max(-z, 0) + l) + (1 - y) * (max(z, 0) + l)
        let sigmoid = z >= 0 ? 1 / (1 + e) : e / (1 + e)
        return (term, sigmoid)
    }

    public func lossAndScoreGradient(
        scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int,
        scoreGradient: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        var total = 0.0
        for i in 0..<rows {
            let z = scores[i], y = targets[i]
            let (term, sigmoid) = Self.termAndSigmoid(z, y)
            total += term
            scoreGradient[i] = sigmoid - y
        }
        return total
    }

    public func loss(scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int) -> Double {
        var total = 0.0
        // σ is not needed here; the optimizer drops its division.
        for i in 0..<rows { total += Self.termAndSigmoid(scores[i], targets[i]).term }
        return total
    }
}
