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
// largest term is exactly 1, which bounds the relative error of the sum. The exponentials are
// `PairExponential`'s (two at a time, within 1 ulp of the C library's `exp`), the same
// function in both methods, so `loss` and `lossAndScoreGradient` agree to the bit.

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
        guard rows > 0, k > 0, let z = scores.baseAddress, let g = scoreGradient.baseAddress else { return 0 }
        let table = PairExponential.table
        var total = 0.0
        var i = 0
        while i < rows {
            let pair = RowPair(first: i, rows: rows, classes: k)
            let (c, sum) = pair.exponentials(z, into: g, table: table)
            let inverse = 1 / sum
            if pair.count == 2 {
                for j in 0..<k {
                    g[pair.a + j] *= inverse.x
                    g[pair.b + j] *= inverse.y
                }
            } else {
                for j in 0..<k { g[pair.a + j] *= inverse.x }
            }
            for lane in 0..<pair.count {
                let row = pair.row(lane)
                let label = Int(targets[i + lane])
                total += c[lane] + log(sum[lane]) - z[row + label]
                g[row + label] -= 1
            }
            i += pair.count
        }
        return total
    }

    public func loss(scores: UnsafeBufferPointer<Double>, targets: UnsafeBufferPointer<Double>, rows: Int) -> Double {
        let k = classCount
        guard rows > 0, k > 0, let z = scores.baseAddress else { return 0 }
        let table = PairExponential.table
        var total = 0.0
        var i = 0
        while i < rows {
            let pair = RowPair(first: i, rows: rows, classes: k)
            let (c, sum) = pair.exponentials(z, into: nil, table: table)
            for lane in 0..<pair.count {
                total += c[lane] + log(sum[lane]) - z[pair.row(lane) + Int(targets[i + lane])]
            }
            i += pair.count
        }
        return total
    }
}

/// Two rows of a row-major score block taken together, one per SIMD lane: the row maximum,
/// the K exponentials and their sum then run as two-lane operations, whose dependency chains
/// (max, sum) serve two rows at once. A last odd row fills both lanes. Each lane does exactly
/// the scalar sequence of its own row (maximum, e^(zⱼ − c) for j = 0, 1, …, the sum in that
/// order), so pairing never changes a row's bits.
struct RowPair {
    /// Offsets of the two rows' first scores (equal for a lone last row).
    let a: Int
    let b: Int
    /// Rows this pair covers (1 or 2).
    let count: Int
    let classes: Int

    @inline(__always)
    init(first i: Int, rows: Int, classes k: Int) {
        a = i * k
        count = i + 1 < rows ? 2 : 1
        b = count == 2 ? a + k : a
        classes = k
    }

    @inline(__always)
    func row(_ lane: Int) -> Int { lane == 0 ? a : b }

    /// The rows' maxima c and Σⱼ e^(zⱼ − c); the exponentials are written to `out` (same
    /// layout as `z`) when given.
    @inline(__always)
    func exponentials(
        _ z: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>?, table: UnsafePointer<UInt64>
    ) -> (max: SIMD2<Double>, sum: SIMD2<Double>) {
        let k = classes
        // Swift's max(c, s) is `s >= c ? s : c`; the same comparison per lane.
        var c = SIMD2(repeating: -Double.infinity)
        for j in 0..<k {
            let s = SIMD2(z[a + j], z[b + j])
            c.replace(with: s, where: s .>= c)
        }
        var sum = SIMD2<Double>()
        for j in 0..<k {
            let e = PairExponential.exp(SIMD2(z[a + j], z[b + j]) - c, table: table)
            if let out {
                out[a + j] = e.x
                out[b + j] = e.y
            }
            sum += e
        }
        return (c, sum)
    }
}
