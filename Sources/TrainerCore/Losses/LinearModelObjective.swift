/// The training objective of a linear model on a fixed dataset, liblinear-style (`fun`/`grad`,
/// but with no hidden cache between calls: every call gets the parameters it works on).
///
///     f(θ) = (1/m) Σᵢ ℓ(xᵢᵀW + b, yᵢ) + (λ₂/2)‖W‖²_F + λ₁‖W‖₁
///
/// Parameters are one flat vector θ = [W (d×K, row-major), b (K, only when the model has a
/// bias)]; the bias is never penalised. Scores are computed for a whole batch at once with BLAS:
/// Z = X_B·W + 1·bᵀ, then ∇W = X_Bᵀ·∂L/∂Z and ∇b = 1ᵀ·∂L/∂Z.
public struct LinearModelObjective: Sendable {
    /// Model family.
    public let kind: ModelKind
    /// m × d feature matrix (already standardized when the config asks for it).
    public let features: Matrix
    /// m targets: values (linear) or class indices (logistic, softmax).
    public let targets: [Double]
    /// Σᵢ (yᵢ − ȳ)² of a regression's targets (R²'s denominator, `Metrics.totalSumOfSquares`),
    /// computed once instead of in every epoch's evaluation; 0 for classifiers.
    let targetSumOfSquares: Double
    /// Scores per example, K.
    public let outputs: Int
    /// Whether θ ends with K bias terms.
    public let fitsBias: Bool
    /// L2 coefficient λ₂ on the weights.
    public let l2: Double
    /// L1 coefficient λ₁ on the weights.
    public let l1: Double
    /// The per-example loss in score space.
    public let loss: any ScoreLoss

    /// Creates the objective; `classCount` is the number of classes for softmax (ignored otherwise).
    public init(
        kind: ModelKind, features: Matrix, targets: [Double], classCount: Int = 2,
        fitsBias: Bool, l2: Double = 0, l1: Double = 0
    ) throws(LinearAlgebraError) {
        guard targets.count == features.rows else {
            throw .dimensionMismatch("objective: \(features.rows) rows but \(targets.count) targets")
        }
        self.kind = kind
        self.features = features
        self.targets = targets
        self.targetSumOfSquares = kind.isClassifier ? 0 : Metrics.totalSumOfSquares(targets)
        self.outputs = kind == .softmax ? classCount : 1
        self.fitsBias = fitsBias
        self.l2 = l2
        self.l1 = l1
        self.loss = makeScoreLoss(for: kind, classCount: classCount)
    }

    /// Number of examples m.
    public var exampleCount: Int { features.rows }
    /// Number of features d.
    public var featureCount: Int { features.columns }
    /// Number of weights d·K (the penalised part of θ).
    public var weightCount: Int { features.columns * outputs }
    /// Length of θ.
    public var parameterCount: Int { weightCount + (fitsBias ? outputs : 0) }

    /// Scores Z = X·W + 1·bᵀ for the rows of `x` (any matrix with d columns).
    ///
    /// Computed as the full passes compute them (`reduceScoreBlocks`): block by block, the two
    /// halves of a large `x` on two cores, so for the training matrix these are the bits the
    /// loss sees. Why: one `dgemm` over 1e6 × 100 (K = 10) packed all 800 MB of `x` on its way
    /// and took ~280 ms; in blocks that stay in L2, ~40 ms. The Newton solver's full Hessian
    /// reads these (Benchmarks/NOTES.md, round 11).
    public func scores(_ x: Matrix, parameters: [Double]) throws(LinearAlgebraError) -> Matrix {
        let k = outputs
        var failure: LinearAlgebraError?
        let z = Matrix(rows: x.rows, columns: k) { out in
            nonisolated(unsafe) let out = out
            do throws(LinearAlgebraError) {
                _ = try reduceScoreBlocks(of: x, parameters, initial: ()) { _, rows, block in
                    _ = UnsafeMutableBufferPointer(rebasing: out[(rows.lowerBound * k)..<(rows.upperBound * k)])
                        .update(fromContentsOf: block)
                }
            } catch {
                failure = error
                out.update(repeating: 0)  // every element written, as `Matrix` requires
            }
        }
        if let failure { throw failure }
        return z
    }

    /// Visits the scores Z = X·W + 1·bᵀ of every row of `x` block by block, as the full passes
    /// compute them (`passParts`, `blockRows`: the same bits), without a matrix of all of them:
    /// `visit(&partial, rows, z)` gets each block's rows and their scores (row-major, K per
    /// row), with one `partial` per part starting at `initial`; the parts' results come back
    /// in part order. For tests over every example's scores (the Newton solver's separation
    /// tests), which a score matrix of 1e6 × 10 made a 280 ms pass of fresh memory.
    func reduceScoreBlocks<T: Sendable>(
        of x: Matrix, _ parameters: [Double], initial: T,
        _ visit: @escaping @Sendable (inout T, Range<Int>, UnsafeBufferPointer<Double>) -> Void
    ) throws(LinearAlgebraError) -> [T] {
        guard parameters.count == parameterCount else {
            throw .dimensionMismatch("objective: θ has \(parameters.count) entries, expected \(parameterCount)")
        }
        guard x.columns == featureCount else {
            throw .dimensionMismatch("objective: \(x.columns) columns, expected \(featureCount)")
        }
        let d = featureCount, k = outputs
        let blockRows = blockRows(rows: x.rows)
        return try overPassParts(rows: x.rows) { range in
            Result { () throws(LinearAlgebraError) -> T in
                var partial = initial
                var z = [Double](repeating: 0, count: min(blockRows, range.count) * k)
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(start + blockRows, range.upperBound)
                    try x.values.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) in
                        try fillScores(
                            x: UnsafeBufferPointer(rebasing: xp[(start * d)..<(end * d)]), rows: end - start,
                            parameters: parameters, into: &z)
                    }
                    z.withUnsafeBufferPointer { zp in
                        visit(&partial, start..<end, UnsafeBufferPointer(rebasing: zp[0..<((end - start) * k)]))
                    }
                    start = end
                }
                return partial
            }
        }
    }

    /// Σᵢ ℓᵢ over the examples in `batch` (a gathered copy of some rows with their targets), and
    /// Σᵢ ∇θ ℓᵢ added into `gradientSum` — unnormalised and without the penalty, so that
    /// accumulation over micro-batches can divide once by the number of examples seen.
    ///
    /// Allocates its score buffers on every call; the training loop should prefer
    /// `accumulate(rows:parameters:into:workspace:)`, which gives bit-identical results.
    public func accumulate(
        batchFeatures x: Matrix, batchTargets y: [Double], parameters: [Double],
        into gradientSum: inout [Double]
    ) throws(LinearAlgebraError) -> Double {
        guard gradientSum.count == parameterCount, y.count == x.rows, parameters.count == parameterCount,
              x.columns == featureCount else {
            throw .dimensionMismatch("accumulate: gradient has \(gradientSum.count), θ has \(parameters.count), expected \(parameterCount); \(x.rows)x\(x.columns) batch for \(featureCount) features, \(y.count) targets")
        }
        var scores = [Double](repeating: 0, count: x.rows * outputs)
        var scoreGradient = scores
        return try x.values.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) -> Double in
            try y.withUnsafeBufferPointer { (yp) throws(LinearAlgebraError) -> Double in
                try accumulateBlock(
                    x: xp, y: yp, rows: x.rows, parameters: parameters, into: &gradientSum,
                    scores: &scores, scoreGradient: &scoreGradient)
            }
        }
    }

    /// Preallocated buffers for `accumulate(rows:parameters:into:workspace:)`, sized for
    /// micro-batches of up to `batchCapacity` rows of this objective.
    public func makeWorkspace(batchCapacity: Int) -> BatchWorkspace {
        BatchWorkspace(capacity: batchCapacity, featureCount: featureCount, outputs: outputs)
    }

    /// The allocation-free form of `accumulate(batchFeatures:batchTargets:parameters:into:)`:
    /// gathers the given rows of `features` and their targets into `workspace` (copying each
    /// row with one `memcpy`-style move instead of building a `Matrix` and a target array per
    /// micro-batch), then adds Σᵢ ∇θ ℓᵢ into `gradientSum` and returns Σᵢ ℓᵢ.
    ///
    /// Same arithmetic in the same order as the `Matrix` form, so results are bit-identical.
    ///
    /// Fast paths (neither changes a result bit, both only move data differently):
    /// - `upcoming`: the rows of the next micro-batch. While row i of this batch is copied, the
    ///   CPU is asked to start loading row i of the next one (`Prefetch`), so next time the
    ///   gather finds its rows in cache instead of waiting on DRAM row by row. The gather is
    ///   latency-bound (random 800-byte rows of an 800 MB matrix); see BENCHMARKS.md for the
    ///   measured effect on a shuffled epoch.
    /// - Rows that are consecutive (`r, r+1, …`, as in an unshuffled full batch) are already a
    ///   contiguous block of `features`: it is multiplied in place, with no copy. Exercise 5's
    ///   1000 full-batch steps spent ~1 µs per step copying 100 rows of 3 values.
    ///
    /// - Throws: `.dimensionMismatch` when θ or the gradient have the wrong length, the workspace
    ///   was made for another shape, `rows` holds more than `workspace.capacity` indices, or an
    ///   index is outside `0..<exampleCount`. Indices in `upcoming` are only hints: any outside
    ///   the matrix are ignored.
    public func accumulate(
        rows: ArraySlice<Int>, parameters: [Double], into gradientSum: inout [Double],
        workspace: inout BatchWorkspace, prefetching upcoming: ArraySlice<Int> = []
    ) throws(LinearAlgebraError) -> Double {
        guard workspace.featureCount == featureCount, workspace.outputs == outputs else {
            throw .dimensionMismatch("accumulate: workspace is for \(workspace.featureCount) features × \(workspace.outputs) outputs, objective has \(featureCount) × \(outputs)")
        }
        guard rows.count <= workspace.capacity else {
            throw .dimensionMismatch("accumulate: \(rows.count) rows exceed the workspace capacity \(workspace.capacity)")
        }
        let count = rows.count
        if try checkedRowsAreConsecutive(rows), let first = rows.first {
            // In place: the block features[first ..< first + count] is the batch.
            return try accumulateConsecutive(
                first: first, count: count, parameters: parameters, into: &gradientSum,
                scores: &workspace.scores, scoreGradient: &workspace.scoreGradient)
        }
        workspace.features.withUnsafeMutableBufferPointer { x in
            workspace.targets.withUnsafeMutableBufferPointer { y in
                guard let to = x.baseAddress, let toTargets = y.baseAddress else { return }
                gather(rows: rows, into: to, targets: toTargets, prefetching: upcoming)
            }
        }
        return try accumulateGathered(
            x: workspace.features, y: workspace.targets, rows: count, parameters: parameters, into: &gradientSum,
            scores: &workspace.scores, scoreGradient: &workspace.scoreGradient)
    }

    /// Throws `.dimensionMismatch` for an index outside `0..<exampleCount`; otherwise whether
    /// the indices are consecutive (`r, r+1, …`).
    func checkedRowsAreConsecutive(_ rows: ArraySlice<Int>) throws(LinearAlgebraError) -> Bool {
        let m = exampleCount
        var consecutive = true
        var expected = rows.first ?? 0
        for r in rows {
            if r < 0 || r >= m { throw .dimensionMismatch("accumulate: row index \(r) outside 0..<\(m)") }
            consecutive = consecutive && r == expected
            expected &+= 1
        }
        return consecutive
    }

    /// `accumulateBlock` on rows `first ..< first + count` of `features`, read in place.
    func accumulateConsecutive(
        first: Int, count: Int, parameters: [Double], into gradientSum: inout [Double],
        scores: inout [Double], scoreGradient: inout [Double]
    ) throws(LinearAlgebraError) -> Double {
        let d = featureCount
        return try features.values.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) -> Double in
            try targets.withUnsafeBufferPointer { (yp) throws(LinearAlgebraError) -> Double in
                try accumulateBlock(
                    x: UnsafeBufferPointer(rebasing: xp[(first * d)..<((first + count) * d)]),
                    y: UnsafeBufferPointer(rebasing: yp[first..<(first + count)]),
                    rows: count, parameters: parameters, into: &gradientSum,
                    scores: &scores, scoreGradient: &scoreGradient)
            }
        }
    }

    /// `accumulateBlock` on the first `rows` gathered rows in `x` and targets in `y`.
    func accumulateGathered(
        x: UnsafePointer<Double>, y: UnsafePointer<Double>, rows count: Int, parameters: [Double],
        into gradientSum: inout [Double], scores: inout [Double], scoreGradient: inout [Double]
    ) throws(LinearAlgebraError) -> Double {
        try accumulateBlock(
            x: UnsafeBufferPointer(start: x, count: count * featureCount), y: UnsafeBufferPointer(start: y, count: count),
            rows: count, parameters: parameters, into: &gradientSum, scores: &scores, scoreGradient: &scoreGradient)
    }

    /// Asks the CPU to start loading the given rows and their targets (`Prefetch`: hints only;
    /// indices outside the matrix are ignored).
    func prefetch(rows: ArraySlice<Int>) {
        let m = exampleCount, d = featureCount
        features.values.withUnsafeBufferPointer { source in
            targets.withUnsafeBufferPointer { sourceTargets in
                guard let from = source.baseAddress, let t = sourceTargets.baseAddress else { return }
                for u in rows where u >= 0 && u < m { Self.prefetchRow(u, features: from, targets: t, featureCount: d) }
            }
        }
    }

    /// Row `u`'s features and its target: the target is a second random miss per row (an 8 MB
    /// array for 1e6 rows).
    @inline(__always)
    static func prefetchRow(_ u: Int, features: UnsafePointer<Double>, targets: UnsafePointer<Double>, featureCount d: Int) {
        Prefetch.read(features + u * d, bytes: d * MemoryLayout<Double>.stride)
        Prefetch.read(targets + u, bytes: MemoryLayout<Double>.stride)
    }

    /// Copies the given rows of `features` and their targets into `x` (row-major, d per row)
    /// and `y`, and while row i is copied asks the CPU to start loading row i of `upcoming`
    /// (`Prefetch`; indices outside the matrix are ignored). The caller has checked `rows`
    /// (`checkedRowsAreConsecutive`) and sized `x` and `y` for them.
    func gather(
        rows: ArraySlice<Int>, into to: UnsafeMutablePointer<Double>, targets y: UnsafeMutablePointer<Double>,
        prefetching upcoming: ArraySlice<Int>
    ) {
        let m = exampleCount, d = featureCount
        features.values.withUnsafeBufferPointer { source in
            targets.withUnsafeBufferPointer { sourceTargets in
                guard let from = source.baseAddress, let t = sourceTargets.baseAddress else { return }
                var slot = 0
                var next = upcoming.startIndex
                for r in rows {
                    if next < upcoming.endIndex {
                        let u = upcoming[next]
                        if u >= 0 && u < m { Self.prefetchRow(u, features: from, targets: t, featureCount: d) }
                        next += 1
                    }
                    if d >= 16 {
                        (to + slot * d).update(from: from + r * d, count: d)
                    } else {
                        // A `memmove` call costs more than copying a handful of values.
                        for j in 0..<d { to[slot * d + j] = from[r * d + j] }
                    }
                    y[slot] = t[r]
                    slot += 1
                }
            }
        }
    }

    /// The shared kernel: scores Z = X·W + 1·bᵀ, loss and ∂L/∂Z, then ∇W += Xᵀ·∂L/∂Z (straight
    /// into `gradientSum`, no temporary) and ∇b += 1ᵀ·∂L/∂Z, for a row-major block `x` of `rows`
    /// rows (leading dimension d). `scores`/`scoreGradient` must hold at least rows·K values.
    ///
    /// With one output (linear, logistic) both products are matrix–vector products and go to
    /// `dgemv`: OpenBLAS's `dgemm` with n = 1 still packs both operands, which cost ~2× more on a
    /// 256×100 batch.
    func accumulateBlock(
        x: UnsafeBufferPointer<Double>, y: UnsafeBufferPointer<Double>, rows: Int, parameters: [Double],
        into gradientSum: inout [Double], scores: inout [Double], scoreGradient: inout [Double]
    ) throws(LinearAlgebraError) -> Double {
        let k = outputs, d = featureCount, wc = weightCount
        guard gradientSum.count == parameterCount, parameters.count == parameterCount,
              scores.count >= rows * k, scoreGradient.count >= rows * k, y.count >= rows else {
            throw .dimensionMismatch("accumulate: gradient has \(gradientSum.count), θ has \(parameters.count), expected \(parameterCount); buffers for \(rows) rows too small")
        }
        if rows == 0 { return 0 }
        try fillScores(x: x, rows: rows, parameters: parameters, into: &scores)
        let total = scores.withUnsafeBufferPointer { zp in
            scoreGradient.withUnsafeMutableBufferPointer { dp in
                loss.lossAndScoreGradient(scores: zp, targets: y, rows: rows, scoreGradient: dp)
            }
        }
        try scoreGradient.withUnsafeBufferPointer { (dz) throws(LinearAlgebraError) in
            try gradientSum.withUnsafeMutableBufferPointer { (g) throws(LinearAlgebraError) in
                let weights = UnsafeMutableBufferPointer(rebasing: g[0..<wc])
                if k == 1 {
                    try BLAS.gemv(transpose: true, rows: rows, columns: d, x, lda: d, dz, beta: 1, into: weights)
                } else {
                    try BLAS.gemm(transposeA: true, m: d, n: k, k: rows, x, lda: d, dz, ldb: k, beta: 1, into: weights, ldc: k)
                }
                if fitsBias, let scoreGradients = dz.baseAddress, let biases = g.baseAddress {
                    Self.addColumnSums(of: scoreGradients, rows: rows, columns: k, into: biases + wc)
                }
            }
        }
        return total
    }

    /// sums[j] += Σᵢ z[i·K + j] for a row-major rows × K block, each sum in a register and in
    /// row order, as adding into sums[j] row by row would (same bits). Through memory, every
    /// addition waited on the previous store (~0.4 µs per step for 100 rows, a third of exercise
    /// 5's loop). With several columns, pairs of them share two-lane registers and up to four
    /// pairs run in one pass over the rows: one column at a time, each sum was a chain of
    /// dependent additions (~1.1 µs per split part of a softmax batch, 144 rows × 10 classes).
    static func addColumnSums(of z: UnsafePointer<Double>, rows: Int, columns k: Int, into sums: UnsafeMutablePointer<Double>) {
        var j = 0
        while j + 8 <= k {
            var s0 = DoublePair.load(sums + j), s1 = DoublePair.load(sums + j + 2)
            var s2 = DoublePair.load(sums + j + 4), s3 = DoublePair.load(sums + j + 6)
            for i in 0..<rows {
                let row = z + i * k + j
                s0 += DoublePair.load(row)
                s1 += DoublePair.load(row + 2)
                s2 += DoublePair.load(row + 4)
                s3 += DoublePair.load(row + 6)
            }
            DoublePair.store(s0, sums + j)
            DoublePair.store(s1, sums + j + 2)
            DoublePair.store(s2, sums + j + 4)
            DoublePair.store(s3, sums + j + 6)
            j += 8
        }
        while j + 2 <= k {
            var s = DoublePair.load(sums + j)
            for i in 0..<rows { s += DoublePair.load(z + i * k + j) }
            DoublePair.store(s, sums + j)
            j += 2
        }
        if j < k {
            var sum = sums[j]
            for i in 0..<rows { sum += z[i * k + j] }
            sums[j] = sum
        }
    }

    /// Writes `values` (K of them) into every row of a row-major rows × K block. Pairs of values
    /// stay in two-lane registers across the rows: element by element through the two pointers
    /// (which the compiler cannot prove apart) the fill took ~0.5 µs per split part of a softmax
    /// batch (144 rows × 10 classes).
    static func fillRows(_ z: UnsafeMutablePointer<Double>, rows: Int, columns k: Int, with values: UnsafePointer<Double>) {
        var j = 0
        while j + 2 <= k {
            let pair = DoublePair.load(values + j)
            for i in 0..<rows { DoublePair.store(pair, z + i * k + j) }
            j += 2
        }
        if j < k {
            let value = values[j]
            for i in 0..<rows { z[i * k + j] = value }
        }
    }

    /// Z = X·W + 1·bᵀ for a row-major block of `rows` rows, written to the first rows·K values
    /// of `z` (see `accumulateBlock` for why K = 1 uses `dgemv`).
    func fillScores(x: UnsafeBufferPointer<Double>, rows: Int, parameters: [Double], into z: inout [Double]) throws(LinearAlgebraError) {
        try z.withUnsafeMutableBufferPointer { (zp) throws(LinearAlgebraError) in
            try fillScores(x: x, rows: rows, parameters: parameters, into: zp)
        }
    }

    /// `fillScores` into memory the caller owns.
    func fillScores(x: UnsafeBufferPointer<Double>, rows: Int, parameters: [Double], into zp: UnsafeMutableBufferPointer<Double>) throws(LinearAlgebraError) {
        let k = outputs, d = featureCount, wc = weightCount
        guard parameters.count == parameterCount, zp.count >= rows * k else {
            throw .dimensionMismatch("scores: θ has \(parameters.count), expected \(parameterCount); \(zp.count) score slots for \(rows)x\(k)")
        }
        try parameters.withUnsafeBufferPointer { (theta) throws(LinearAlgebraError) in
            if fitsBias && k == 1 {
                // One value: a fill the compiler vectorises (the nested loop below was ~0.1 µs
                // of each 100-row step in exercise 5).
                UnsafeMutableBufferPointer(rebasing: zp[0..<rows]).update(repeating: theta[wc])
            } else if fitsBias, let z = zp.baseAddress, let bias = theta.baseAddress.map({ $0 + wc }) {
                Self.fillRows(z, rows: rows, columns: k, with: bias)
            }
            let weights = UnsafeBufferPointer(rebasing: theta[0..<wc])
            if k == 1 {
                try BLAS.gemv(rows: rows, columns: d, x, lda: d, weights, beta: fitsBias ? 1 : 0, into: zp)
            } else {
                try BLAS.gemm(m: rows, n: k, k: d, x, lda: d, weights, ldb: k, beta: fitsBias ? 1 : 0, into: zp, ldc: k)
            }
        }
    }

    /// (λ₂/2)‖W‖² + λ₁‖W‖₁.
    public func penalty(_ parameters: [Double]) -> Double {
        if l2 == 0 && l1 == 0 { return 0 }
        var squares = 0.0, absolutes = 0.0
        for i in 0..<weightCount {
            squares += parameters[i] * parameters[i]
            absolutes += abs(parameters[i])
        }
        return 0.5 * l2 * squares + l1 * absolutes
    }

    /// Adds λ₂W + λ₁·sign(W) to the weight part of `gradient` (sign(0) = 0: the subgradient
    /// that leaves an exactly-zero weight where it is).
    public func addPenaltyGradient(_ parameters: [Double], to gradient: inout [Double]) {
        if l2 == 0 && l1 == 0 { return }
        for i in 0..<weightCount {
            let w = parameters[i]
            let sign: Double = w > 0 ? 1 : (w < 0 ? -1 : 0)
            gradient[i] += l2 * w + l1 * sign
        }
    }

    /// Rows per block when a pass runs over the whole dataset, so that the score matrix of a
    /// full pass never needs m × K memory at once.
    static let passBlockRows = 4096

    /// f(θ) over all examples.
    public func value(_ parameters: [Double]) throws(LinearAlgebraError) -> Double {
        try meanLoss(parameters) + penalty(parameters)
    }

    /// Full passes over at least this many rows and multiply-adds (m·d·K) are split into two
    /// fixed halves that run on two cores (`passParts`).
    static let splitPassMinimumRows = 2 * passBlockRows
    static let splitPassMinimumWork = 1 << 21

    /// The row ranges a full pass is split into: the whole range, or — for large passes — two
    /// halves at m/2. The split depends only on the shape, never on the thread count or the
    /// machine, and the halves' results are added in order (first + second), so a pass gives
    /// the same bits on every run whether the halves ran in parallel or one after the other.
    /// Passes below the thresholds are one range and keep the sequential order they always had.
    ///
    /// Why: the evaluation at θ* of `trainer solve` on 1e6 × 100 (`valueAndGradient`) took
    /// ~100 ms on one core; split (with `blockRows`), ~45 ms. The train-loss pass after it
    /// (`value`, in `Trainer.evaluate`) and every epoch's evaluation of `trainer run` gain alike.
    func passParts() -> [Range<Int>] { passParts(rows: exampleCount) }

    /// `passParts` for a pass over `m` rows of this objective's width (`scores` of any matrix).
    func passParts(rows m: Int) -> [Range<Int>] {
        guard m >= Self.splitPassMinimumRows,
              Double(m) * Double(featureCount) * Double(outputs) >= Double(Self.splitPassMinimumWork) else {
            return [0..<m]
        }
        return [0..<(m / 2), (m / 2)..<m]
    }

    /// `body` over every part of `passParts()` (concurrently when there are cores for it), the
    /// results in part order; the first error thrown by a part, in part order, is rethrown.
    func overPassParts<T: Sendable>(
        _ body: @escaping @Sendable (Range<Int>) -> Result<T, LinearAlgebraError>
    ) throws(LinearAlgebraError) -> [T] {
        try overPassParts(rows: exampleCount, body)
    }

    /// `overPassParts` for a pass over `m` rows (`reduceScoreBlocks` of any matrix).
    func overPassParts<T: Sendable>(
        rows m: Int, _ body: @escaping @Sendable (Range<Int>) -> Result<T, LinearAlgebraError>
    ) throws(LinearAlgebraError) -> [T] {
        let parts = passParts(rows: m)
        if parts.count == 1 { return [try body(parts[0]).get()] }
        var results = [Result<T, LinearAlgebraError>?](repeating: nil, count: parts.count)
        results.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            BLAS.concurrently(parts.count) { t in slots[t] = body(parts[t]) }
        }
        var values: [T] = []
        for result in results {
            guard let result else { throw .dimensionMismatch("pass: a part did not run") }
            values.append(try result.get())
        }
        return values
    }

    /// (1/m) Σᵢ ℓᵢ over all examples, without the penalty.
    ///
    /// Blocks of rows are contiguous in `features`, so they are multiplied in place (no gathered
    /// copy) into one reused score buffer. Large passes run as two halves on two cores
    /// (`passParts`).
    public func meanLoss(_ parameters: [Double]) throws(LinearAlgebraError) -> Double {
        let m = exampleCount
        guard m > 0 else { return 0 }
        let totals = try overPassParts { range in
            Result { () throws(LinearAlgebraError) -> Double in try lossSum(parameters, rows: range) }
        }
        var total = totals[0]
        for part in totals.dropFirst() { total += part }
        return total / Double(m)
    }

    /// Σᵢ ℓᵢ over the rows in `range`, block by block in order.
    func lossSum(_ parameters: [Double], rows range: Range<Int>) throws(LinearAlgebraError) -> Double {
        let d = featureCount
        let blockRows = blockRows(rows: exampleCount)
        var z = [Double](repeating: 0, count: min(blockRows, range.count) * outputs)
        var total = 0.0
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + blockRows, range.upperBound)
            total += try features.values.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) -> Double in
                try fillScores(
                    x: UnsafeBufferPointer(rebasing: xp[(start * d)..<(end * d)]), rows: end - start,
                    parameters: parameters, into: &z)
                return z.withUnsafeBufferPointer { zp in
                    targets.withUnsafeBufferPointer { yp in
                        loss.loss(scores: zp, targets: UnsafeBufferPointer(rebasing: yp[start..<end]), rows: end - start)
                    }
                }
            }
            start = end
        }
        return total
    }

    /// f(θ) and ∇f(θ) over all examples (contiguous blocks multiplied in place, as in `meanLoss`;
    /// large passes as two halves on two cores, see `passParts`).
    public func valueAndGradient(_ parameters: [Double]) throws(LinearAlgebraError) -> (value: Double, gradient: [Double]) {
        let m = exampleCount
        let parts = try overPassParts { range in
            Result { () throws(LinearAlgebraError) -> (Double, [Double]) in try lossAndGradientSum(parameters, rows: range) }
        }
        var (total, gradient) = parts[0]
        for (partTotal, partGradient) in parts.dropFirst() {
            total += partTotal
            for i in gradient.indices { gradient[i] += partGradient[i] }
        }
        let scale = m > 0 ? 1 / Double(m) : 0
        for i in gradient.indices { gradient[i] *= scale }
        addPenaltyGradient(parameters, to: &gradient)
        return (total * scale + penalty(parameters), gradient)
    }

    /// Rows per block of the split (two-core) passes: ~384 KB of features, so that the second
    /// product of a block (Xᵀ·∂L/∂Z) finds it still in L2. 4096-row blocks (3.2 MB at d = 100)
    /// measured 53 ms for `valueAndGradient` on 1e6 × 100, 512-row blocks 45 ms. Unsplit passes
    /// keep `passBlockRows`, so their bits are what they were. `m`: the rows of the whole pass
    /// (`exampleCount` for the training matrix), whose parts the blocks divide.
    func blockRows(rows m: Int) -> Int {
        guard passParts(rows: m).count > 1 else { return Self.passBlockRows }
        return min(Self.passBlockRows, max(64, 384 * 1024 / (8 * max(featureCount * max(outputs, 1), 1))))
    }

    /// Σᵢ ℓᵢ and Σᵢ ∇θ ℓᵢ (unnormalised, no penalty) over the rows in `range`, block by block.
    func lossAndGradientSum(_ parameters: [Double], rows range: Range<Int>) throws(LinearAlgebraError) -> (Double, [Double]) {
        let d = featureCount
        var gradient = [Double](repeating: 0, count: parameterCount)
        let blockRows = blockRows(rows: exampleCount)
        var scores = [Double](repeating: 0, count: min(blockRows, range.count) * outputs)
        var scoreGradient = scores
        var total = 0.0
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + blockRows, range.upperBound)
            total += try features.values.withUnsafeBufferPointer { (xp) throws(LinearAlgebraError) -> Double in
                try targets.withUnsafeBufferPointer { (yp) throws(LinearAlgebraError) -> Double in
                    try accumulateBlock(
                        x: UnsafeBufferPointer(rebasing: xp[(start * d)..<(end * d)]),
                        y: UnsafeBufferPointer(rebasing: yp[start..<end]), rows: end - start,
                        parameters: parameters, into: &gradient, scores: &scores, scoreGradient: &scoreGradient)
                }
            }
            start = end
        }
        return (total, gradient)
    }
}

/// Preallocated buffers for one micro-batch of a `LinearModelObjective`, so the training loop's
/// hot path allocates nothing: the gathered rows (capacity × d), their targets, and the scores
/// and score gradients (capacity × K). Make one per objective with `makeWorkspace(batchCapacity:)`
/// and pass it to every `accumulate(rows:parameters:into:workspace:)` call.
public struct BatchWorkspace: Sendable {
    /// Largest number of rows one call may gather.
    public let capacity: Int
    /// Features per row (d) the buffers were sized for.
    public let featureCount: Int
    /// Scores per row (K) the buffers were sized for.
    public let outputs: Int
    var features: [Double]
    var targets: [Double]
    var scores: [Double]
    var scoreGradient: [Double]

    /// Buffers for up to `capacity` rows of `featureCount` features and `outputs` scores
    /// (negative sizes are treated as 0; such a workspace accepts only empty batches).
    public init(capacity: Int, featureCount: Int, outputs: Int) {
        self.capacity = max(capacity, 0)
        self.featureCount = max(featureCount, 0)
        self.outputs = max(outputs, 0)
        features = [Double](repeating: 0, count: self.capacity * self.featureCount)
        targets = [Double](repeating: 0, count: self.capacity)
        scores = [Double](repeating: 0, count: self.capacity * self.outputs)
        scoreGradient = scores
    }
}
