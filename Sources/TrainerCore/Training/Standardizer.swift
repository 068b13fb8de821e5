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

    /// Fits mean and population standard deviation column by column (two passes, for accuracy)
    /// on rows `rows` of `x` (every row when nil): the same bits as fitting on a gathered copy
    /// of those rows, without the copy.
    ///
    /// On large data the columns are split between the cores (each core reads its part of every
    /// row); every column's sums still run over the rows in order, so the bits are the same on
    /// any number of cores.
    public static func fit(_ x: Matrix, rows: [Int]? = nil) -> Standardizer {
        let d = x.columns, m = rows?.count ?? x.rows
        var mean = [Double](repeating: 0, count: d)
        var scale = [Double](repeating: 1, count: d)
        guard m > 0, d > 0 else { return Standardizer(mean: mean, scale: scale) }
        var squares = [Double](repeating: 0, count: d)
        let selection = rows ?? []
        let parts = m * d >= parallelValues ? max(1, min(BLAS.configuredThreads, d)) : 1
        x.values.withUnsafeBufferPointer { v in
            selection.withUnsafeBufferPointer { picked in
                mean.withUnsafeMutableBufferPointer { mu in
                    squares.withUnsafeMutableBufferPointer { sq in
                        nonisolated(unsafe) let (v, picked, mu, sq) = (v, picked, mu, sq)
                        let all = rows == nil
                        BLAS.concurrently(parts) { part in
                            let columns = (d * part / parts)..<(d * (part + 1) / parts)
                            for i in 0..<m {
                                let base = (all ? i : picked[i]) * d
                                for j in columns { mu[j] += v[base + j] }
                            }
                            for j in columns { mu[j] /= Double(m) }
                            for i in 0..<m {
                                let base = (all ? i : picked[i]) * d
                                for j in columns {
                                    let delta = v[base + j] - mu[j]
                                    sq[j] += delta * delta
                                }
                            }
                        }
                    }
                }
            }
        }
        for j in 0..<d {
            let s = (squares[j] / Double(m)).squareRoot()
            scale[j] = s > 0 && s.isFinite ? s : 1
        }
        return Standardizer(mean: mean, scale: scale)
    }

    /// Matrices of at least this many values are fitted and transformed on every core.
    static let parallelValues = 1 << 20

    /// Rows `rows` of `x` (every row when nil) in a new matrix, transformed when `applying`
    /// (else copied): the same values as `transform(x.gatheringRows(rows))`, in one pass.
    /// `hugePages` for a matrix that shuffled epochs will read (the training rows): on this
    /// project's VMs fresh huge pages cost more to touch first than 4 KiB pages (memory freed
    /// earlier is back with the host), which only random access pays back.
    ///
    /// Why: this is the training matrix of every run that holds out validation rows or
    /// standardizes, 640–800 MB at 1e6 × 100. Gathering into a zeroed matrix and then
    /// transforming it took three passes on one core, and its 4 KiB pages cost the shuffled
    /// epochs TLB misses; now it is one pass, row blocks on every core, into memory advised
    /// to use huge pages like the cached dataset (Benchmarks/NOTES.md, round 10).
    public func transformedRows(of x: Matrix, _ rows: [Int]?, applying: Bool, hugePages: Bool = true) -> Matrix {
        let d = x.columns, m = rows?.count ?? x.rows
        let selection = rows ?? []
        let parts = m * d >= Self.parallelValues ? 16 : 1
        return x.values.withUnsafeBufferPointer { v in
            selection.withUnsafeBufferPointer { picked in
                mean.withUnsafeBufferPointer { mu in
                    scale.withUnsafeBufferPointer { sigma in
                        Matrix(rows: m, columns: d) { target in
                            if hugePages, let base = target.baseAddress { FileBytes.adviseHugePages(UnsafeMutableRawPointer(base), 8 * m * d) }
                            nonisolated(unsafe) let (v, picked, mu, sigma, to) = (v, picked, mu, sigma, target)
                            let all = rows == nil, transform = applying && mu.count == d && sigma.count == d
                            BLAS.concurrently(parts) { part in
                                for i in (m * part / parts)..<(m * (part + 1) / parts) {
                                    let from = (all ? i : picked[i]) * d, into = i * d
                                    if transform {
                                        for j in 0..<d { to[into + j] = (v[from + j] - mu[j]) / sigma[j] }
                                    } else {
                                        for j in 0..<d { to[into + j] = v[from + j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Applies the transform to every row, into a new matrix (`transformedRows` of every row;
    /// a standardizer fitted on another width copies `x` unchanged).
    public func transform(_ x: Matrix) -> Matrix {
        transformedRows(of: x, nil, applying: true, hugePages: false)
    }
}
