/// Gradient clipping by global L2 norm or by value, as PyTorch's `clip_grad_norm_` and
/// `clip_grad_value_`, applied to the finished (averaged) gradient before the optimizer step.
public enum GradientClipping {
    /// PyTorch adds this to the norm before dividing, so a zero gradient gives a finite
    /// coefficient and a norm just above the limit is clipped slightly below it.
    public static let normEpsilon = 1e-6

    /// Rescales `g` so its L2 norm is at most `maxNorm`, like `torch.nn.utils.clip_grad_norm_`.
    ///
    /// ```
    /// ‖g‖ = √(Σᵢ gᵢ²)                      (over the whole vector: weights and biases together)
    /// c   = min(1, maxNorm / (‖g‖ + 10⁻⁶))
    /// g  ← c·g                              (only when c < 1; multiplying by 1 is a no-op)
    /// ```
    ///
    /// Non-finite gradients are left untouched so the caller can detect divergence rather than
    /// train on a silently rescaled vector:
    /// - any NaN entry → returns `(norm: .nan, coefficient: .nan)`, `g` unchanged;
    /// - any ±∞ entry → returns `(norm: .infinity, coefficient: .nan)`, `g` unchanged.
    ///   (PyTorch would multiply by c = 0 and turn the ∞ entries into NaN.)
    ///
    /// If every entry is finite but the norm itself exceeds `Double.greatestFiniteMagnitude`,
    /// the reported norm is +∞ while c is computed from the scaled representation, so the
    /// gradient is still clipped correctly.
    ///
    /// - Returns: the norm before clipping (PyTorch's return value) and the clamped coefficient.
    @discardableResult
    public static func clipNorm(_ g: inout [Double], maxNorm: Double) -> (norm: Double, coefficient: Double) {
        let scaled = g.withUnsafeBufferPointer { scaledNorm($0) }
        let norm = scaled.norm
        if norm.isNaN || scaled.scale.isInfinite {
            return (norm, .nan)
        }
        let coefficient: Double
        if norm.isFinite {
            // PyTorch: clip_coef = max_norm / (total_norm + 1e-6); clamp(max=1).
            coefficient = min(maxNorm / (norm + normEpsilon), 1)
        } else {
            // ‖g‖ overflowed although every entry is finite: divide in two stages. The 1e-6
            // is far below the last bit of a norm this large, so dropping it changes nothing.
            coefficient = min(maxNorm / scaled.scale / scaled.root, 1)
        }
        if coefficient < 1 {
            g.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] *= coefficient }
            }
        }
        return (norm, coefficient)
    }

    /// Clamps every entry of `g` to [−limit, limit], like `torch.nn.utils.clip_grad_value_`.
    ///
    /// NaN entries stay NaN (as `torch.clamp` does) and are not counted.
    /// Precondition: `limit` ≥ 0.
    ///
    /// - Returns: how many entries were changed.
    @discardableResult
    public static func clipValue(_ g: inout [Double], limit: Double) -> Int {
        precondition(limit >= 0, "clipValue: negative limit \(limit)")
        var clipped = 0
        g.withUnsafeMutableBufferPointer { p in
            for i in p.indices {
                let x = p[i]
                if x > limit {
                    p[i] = limit
                    clipped += 1
                } else if x < -limit {
                    p[i] = -limit
                    clipped += 1
                }
            }
        }
        return clipped
    }

    /// The Euclidean norm √(Σᵢ gᵢ²), computed without spurious overflow or underflow.
    ///
    /// NaN if any entry is NaN, +∞ if any entry is infinite or the true norm exceeds the
    /// largest finite Double, 0 for an empty vector.
    public static func l2Norm(_ g: [Double]) -> Double {
        g.withUnsafeBufferPointer { scaledNorm($0).norm }
    }

    /// The Euclidean norm of a slice (for example the weight block of the parameter vector).
    public static func l2Norm(_ g: ArraySlice<Double>) -> Double {
        g.withUnsafeBufferPointer { scaledNorm($0).norm }
    }

    /// ‖x‖ as `scale · root` (with `norm` their product), in the manner of LAPACK's `dnrm2`.
    ///
    /// The norm is written here in Swift rather than calling the C BLAS `dnrm2`, so that this
    /// file has no C dependency and its NaN/∞ behaviour is defined by this code instead of by
    /// whichever BLAS build is installed (implementations have differed on NaN propagation).
    ///
    /// Fast path: a plain sum of squares, which is exact enough and cheap, whenever it can
    /// neither overflow (the sum stayed finite) nor lose small entries to underflow (the largest
    /// |xᵢ| is at least 2⁻⁵⁰⁰, so any square that underflows is below 2⁻⁷⁴ of the total).
    /// Otherwise a second pass sums (xᵢ / max|x|)², which lies in [1, n], and scales back.
    private static func scaledNorm(_ x: UnsafeBufferPointer<Double>) -> (scale: Double, root: Double, norm: Double) {
        // Four accumulators s0…s3 (entries i ≡ 0…3 mod 4) break the serial dependency on one
        // sum; they are kept as two 2-lane vectors (s0, s1) and (s2, s3), so the loop is vector
        // instructions. Same sums, same bits as four scalar accumulators.
        let n = x.count
        var low = SIMD2<Double>(), high = SIMD2<Double>()
        var i = 0
        if let p = x.baseAddress {
            while i + 4 <= n {
                let ab = DoublePair.load(p + i)
                let cd = DoublePair.load(p + i + 2)
                low += ab * ab
                high += cd * cd
                i += 4
            }
        }
        var s0 = low[0]
        for j in i..<n { s0 += x[j] * x[j] }
        let sum = (s0 + low[1]) + (high[0] + high[1])
        // A finite sum of at least n·2⁻⁹⁹⁹ means max|xᵢ| ≥ 2⁻⁵⁰⁰ (n·max² ≥ sum, with room for
        // the sum's rounding), which is all the fast path below needs to know about the largest
        // entry; so the common case skips finding it. Why: a softmax step measures six norms
        // of ~1,000 entries (clipping, logging and update norms); with the maximum in the loop
        // a norm took ~0.9 µs, ~20 ms per epoch of 3,907 steps.
        if sum.isFinite && sum >= Double(n) * 0x1p-999 {
            let root = sum.squareRoot()
            return (1, root, root)
        }
        var maxAbs = 0.0
        for j in 0..<n { maxAbs = max(maxAbs, x[j].magnitude) }
        let sumOfSquares = sum
        // The squares are never negative, so the sum is NaN only if some entry is NaN
        // (`max` above may have skipped a NaN, the sum cannot).
        if sumOfSquares.isNaN { return (.nan, .nan, .nan) }
        if maxAbs == 0 { return (0, 0, 0) }
        if maxAbs.isInfinite { return (.infinity, .infinity, .infinity) }
        if sumOfSquares.isFinite && maxAbs >= 0x1p-500 {
            let root = sumOfSquares.squareRoot()
            return (1, root, root)
        }
        // Slow path: a division per entry, but only for vectors near the limits of Double.
        var scaledSum = 0.0
        for j in 0..<n {
            let r = x[j] / maxAbs
            scaledSum += r * r
        }
        let root = scaledSum.squareRoot()
        return (maxAbs, root, maxAbs * root)
    }
}
