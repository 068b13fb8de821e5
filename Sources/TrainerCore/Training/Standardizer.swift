/// Per-feature standardization x' = (x − mean) / scale, fitted on the training split only so
/// that no validation statistic leaks into training.
///
/// `scale` is the population standard deviation (divisor m, like scikit-learn's
/// `StandardScaler`); a constant column gets scale 1 so it maps to 0 instead of NaN.
public struct Standardizer: Equatable, Sendable {
    /// Per-feature means.
    public var mean: [Double]
    /// Per-feature scales.
    public var scale: [Double]

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// The identity transform for `featureCount` features (used when `data.standardize` is false).
    public static func identity(featureCount: Int) -> Standardizer {
        Standardizer(mean: Array(repeating: 0, count: featureCount), scale: Array(repeating: 1, count: featureCount))
    }

    /// Fits mean and population standard deviation column by column (two passes, for accuracy).
    public static func fit(_ x: Matrix) -> Standardizer {
        let d = x.columns, m = x.rows
        var mean = [Double](repeating: 0, count: d)
        var scale = [Double](repeating: 1, count: d)
        guard m > 0 else { return Standardizer(mean: mean, scale: scale) }
        for i in 0..<m {
            for j in 0..<d { mean[j] += x.values[i * d + j] }
        }
        for j in 0..<d { mean[j] /= Double(m) }
        var squares = [Double](repeating: 0, count: d)
        for i in 0..<m {
            for j in 0..<d {
                let delta = x.values[i * d + j] - mean[j]
                squares[j] += delta * delta
            }
        }
        for j in 0..<d {
            let s = (squares[j] / Double(m)).squareRoot()
            scale[j] = s > 0 && s.isFinite ? s : 1
        }
        return Standardizer(mean: mean, scale: scale)
    }

    /// Applies the transform to every row.
    public func transform(_ x: Matrix) -> Matrix {
        var result = x
        apply(to: &result)
        return result
    }

    /// Applies the transform to every row of `x` in place: same arithmetic as `transform`
    /// ((x − mean) / scale, so bit-identical), without a second m×d matrix — for a 1e6×100
    /// dataset that is 800 MB less peak memory.
    public func apply(to x: inout Matrix) {
        let d = x.columns
        guard d == mean.count, d == scale.count else {
            // A standardizer fitted on another width: nothing sensible to apply.
            return
        }
        mean.withUnsafeBufferPointer { mu in
            scale.withUnsafeBufferPointer { sigma in
                x.values.withUnsafeMutableBufferPointer { v in
                    var base = 0
                    while base < v.count {
                        for j in 0..<d { v[base + j] = (v[base + j] - mu[j]) / sigma[j] }
                        base += d
                    }
                }
            }
        }
    }
}
