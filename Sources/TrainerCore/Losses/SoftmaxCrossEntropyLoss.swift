#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Softmax cross-entropy on K logits z with class index y:
//
//     ℓ(z, y) = logsumexp(z) − z_y,     logsumexp(z) = c + log Σⱼ e^(zⱼ − c),  c = maxⱼ zⱼ
//     ∂ℓ/∂zⱼ  = pⱼ − [j = y],           pⱼ = e^(zⱼ − c) / Σₖ e^(zₖ − c)
//
// Shifting by the row maximum keeps every exponential in (0, 1], so no logit overflows and the
// largest term is exactly 1, which bounds the relative error of the sum.

/// Multinomial cross-entropy on K logits per example.
public struct SoftmaxCrossEntropyLoss: ScoreLoss {
    /// Number of classes K.
    public let classCount: Int

    public init(classCount: Int) {
        self.classCount = classCount
    }

    public var outputs: Int { classCount }

    public func lossAndScoreGradient(
        scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int,
        scoreGradient: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        let k = classCount
        var total = 0.0
        for i in 0..<rows {
            let base = i * k
            var c = -Double.infinity
            for j in 0..<k { c = max(c, scores[base + j]) }
            var sum = 0.0
            for j in 0..<k {
                let e = exp(scores[base + j] - c)
                scoreGradient[base + j] = e
                sum += e
            }
            let label = Int(targets[i])
            total += c + log(sum) - scores[base + label]
            let inverse = 1 / sum
            for j in 0..<k { scoreGradient[base + j] *= inverse }
            scoreGradient[base + label] -= 1
        }
        return total
    }

    public func loss(scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int) -> Double {
        let k = classCount
        var total = 0.0
        for i in 0..<rows {
            let base = i * k
            var c = -Double.infinity
            for j in 0..<k { c = max(c, scores[base + j]) }
            var sum = 0.0
            for j in 0..<k { sum += exp(scores[base + j] - c) }
            total += c + log(sum) - scores[base + Int(targets[i])]
        }
        return total
    }
}
