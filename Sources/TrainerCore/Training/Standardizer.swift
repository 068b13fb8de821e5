import Foundation

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
    /// (else copied): the same values as `transform(x.gatheringRows(rows))`, in one pass, row
    /// blocks on every core. Validation rows and predictions: read in order, so 4 KiB pages
    /// (see `DatasetCache.hugePages`). The training matrix is made in place instead
    /// (`transformRows(inPlace:keeping:applying:)`).
    public func transformedRows(of x: Matrix, _ rows: [Int]?, applying: Bool) -> Matrix {
        let d = x.columns, m = rows?.count ?? x.rows
        let selection = rows ?? []
        let parts = m * d >= Self.parallelValues ? 16 : 1
        return x.values.withUnsafeBufferPointer { v in
            selection.withUnsafeBufferPointer { picked in
                mean.withUnsafeBufferPointer { mu in
                    scale.withUnsafeBufferPointer { sigma in
                        Matrix(rows: m, columns: d) { target in
                            nonisolated(unsafe) let (v, picked, mu, sigma, to) = (v, picked, mu, sigma, target)
                            let all = rows == nil, transform = applying && mu.count == d && sigma.count == d
                            BLAS.concurrently(parts) { part in
                                for i in (m * part / parts)..<(m * (part + 1) / parts) {
                                    let from = (all ? i : picked[i]) * d, into = i * d
                                    if transform, let v = v.baseAddress, let to = to.baseAddress {
                                        Self.standardizeRow(v + from, into: to + into, d, mu, sigma)
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

    /// (x − mean) / scale for the d values of one row, from `source` into `target` (the same
    /// row when transforming in place): the one expression both transforms use, so that their
    /// results are the same bits.
    @inline(__always)
    static func standardizeRow(
        _ source: UnsafePointer<Double>, into target: UnsafeMutablePointer<Double>, _ d: Int,
        _ mu: UnsafeBufferPointer<Double>, _ sigma: UnsafeBufferPointer<Double>
    ) {
        for j in 0..<d { target[j] = (source[j] - mu[j]) / sigma[j] }
    }

    /// Keeps rows `rows` of `x` (ascending; every row when nil), in that order, transformed
    /// when `applying`: the same values as `transformedRows(of: x, rows, applying:)`, but in
    /// `x`'s own storage, which then holds `rows.count` rows.
    ///
    /// Why: a run that standardizes or holds out validation rows trains on this matrix, and
    /// a second one beside the loaded matrix doubled the run's memory (1.6 GB at 1e6 × 100,
    /// 2.0× the matrix, for the default config). Handed the loaded matrix with nothing else
    /// holding its storage, this copies nothing: the kept rows are transformed where they are
    /// (row blocks on every core), then moved up. Row `rows[i]` moves to row i ≤ `rows[i]`, so
    /// moving in ascending order never overwrites a row still to move; consecutive kept rows
    /// move in one `memmove`. If the storage is shared, the first write copies it (the values
    /// are the same either way).
    public func transformRows(inPlace x: inout Matrix, keeping rows: [Int]?, applying: Bool) {
        let d = x.columns, total = x.rows, m = rows?.count ?? total
        var values: [Double] = []
        swap(&values, &x.values)  // so that `x` no longer holds the storage written below
        let selection = rows ?? []
        let transform = applying && mean.count == d && scale.count == d
        let parts = total * d >= Self.parallelValues ? 16 : 1
        values.withUnsafeMutableBufferPointer { v in
            selection.withUnsafeBufferPointer { picked in
                mean.withUnsafeBufferPointer { mu in
                    scale.withUnsafeBufferPointer { sigma in
                        nonisolated(unsafe) let (v, picked, mu, sigma) = (v, picked, mu, sigma)
                        let all = rows == nil
                        if transform {
                            BLAS.concurrently(parts) { part in
                                for i in (m * part / parts)..<(m * (part + 1) / parts) {
                                    if let row = v.baseAddress.map({ $0 + (all ? i : picked[i]) * d }) {
                                        Self.standardizeRow(row, into: row, d, mu, sigma)
                                    }
                                }
                            }
                        }
                        guard !all, let base = v.baseAddress else { return }
                        var i = 0
                        while i < m {
                            var end = i + 1
                            while end < m && picked[end] == picked[end - 1] + 1 { end += 1 }
                            if picked[i] != i { memmove(base + i * d, base + picked[i] * d, 8 * (end - i) * d) }
                            i = end
                        }
                    }
                }
            }
        }
        values.removeLast((total - m) * d)
        // The rows past the kept ones are not read again, but their pages would stay resident
        // beside whatever the run allocates later (the reference solver's sample and scores:
        // peak RSS 1.39× the matrix for a default logistic run with it, 1.19× without them).
        values.withUnsafeMutableBufferPointer { v in
            if let base = v.baseAddress { FileBytes.releasePages(UnsafeMutableRawPointer(base + m * d), 8 * (total - m) * d) }
        }
        x = Matrix(rows: m, columns: d, handingOver: values)
    }

    /// Applies the transform to every row, into a new matrix (`transformedRows` of every row;
    /// a standardizer fitted on another width copies `x` unchanged).
    public func transform(_ x: Matrix) -> Matrix {
        transformedRows(of: x, nil, applying: true)
    }
}
