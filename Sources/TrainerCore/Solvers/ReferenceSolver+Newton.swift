#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Newton's method (IRLS) for logistic and softmax regression.
//
// Layout: with X̃ = [X, 1] (m × d̃), θ = [W row-major d×K, b] is exactly the row-major d̃×K
// coefficient matrix of X̃, so unknown (f, k) — feature f of X̃, class k — has index f·K + k in
// both θ and the Hessian. No permutation between "block" and "θ" layouts is needed. X̃ itself
// is never formed: the Gram blocks append the ones column row by row (`BLAS.scaledGrams`), and
// scores come from the objective (X·W + 1·bᵀ).

extension ReferenceSolver {
    /// Margins below this fraction of the step's largest score change count as "not moved down"
    /// in the quasi-separation test.
    static let recessionTolerance = 1e-8
    /// Consecutive margin-monotone Newton steps that declare quasi-complete separation.
    static let recessionSteps = 3

    /// Rows of a sample whose Hessian stands in for the full one in the first Newton steps on
    /// large data (at least twice as many rows): every ⌊m / this⌋-th row.
    static let newtonSampleRows = 100_000

    /// Softmax on data of at least 2 × `sampleRows` rows starts with steps on the Hessian of an
    /// evenly strided sample of rows: an estimate of the mean Hessian at a tenth of the cost or
    /// less, close enough that each step still cuts the gradient norm several-fold. The first
    /// step that cuts it by less than 4× switches to the full Hessian for the rest. The
    /// gradient, the line search and the stopping test always use every row, so θ* meets the
    /// same tolerance. Why: the full Hessian is 55 weighted Gram matrices over all rows for
    /// K = 10, ~10 s per step on 1e6 × 100; the solve took 46.9 s in 4 full steps, 15.7 s in 8
    /// sampled ones (θ* within 3.4e-10 relative, both gradients below the 1e-10 tolerance).
    ///
    /// Any Hessian, sampled or full, is kept for the next step while each step cuts the
    /// gradient norm 4-fold, and computed afresh (at the new θ) after one that does not: near
    /// θ* the Hessian changes little, and a step on a kept one costs only the full passes.
    /// On 1e6 × 100: softmax (K = 10) 8 steps on 8 sampled Hessians 10.6 s, 9 steps on 2 of
    /// them 4.8 s (θ* within 2.7e-10 relative; a sampled Hessian ~0.95 s, a step's passes
    /// ~0.3 s); logistic 5 steps on 5 full Hessians 2.06–2.19 s, 8 steps on fewer 1.83–1.93 s.
    ///
    /// - Parameter sampleRows: `newtonSampleRows` (tests pass smaller ones).
    static func solveNewton(
        _ objective: LinearModelObjective, method: SolverMethod, maxIterations: Int, tolerance: Double,
        sampleRows: Int = newtonSampleRows
    ) throws(SolverError) -> ReferenceSolution {
        let k = objective.outputs
        let x = objective.features
        let dt = x.columns + (objective.fitsBias ? 1 : 0)
        let n = dt * k
        guard n <= maxNewtonSize else {
            throw .tooLarge("the Newton system has K·(d + bias) = \(k)·\(dt) = \(n) unknowns, above the limit of \(maxNewtonSize) (a \(n)×\(n) Hessian)")
        }
        let groups = invariantGroups(objective, augmentedColumns: dt)
        var notes: [String] = []
        if !groups.isEmpty {
            let which = objective.l2 == 0 ? "weights and biases" : "biases"
            notes.append("softmax is invariant to a common shift of all classes' \(which); returned the minimum-norm optimum (each such group sums to zero across classes)")
        }
        let separable = "the classes are linearly separable and model.l2 = 0: the loss has no minimiser; set model.l2 > 0"

        // Softmax only: logistic's Hessian is one Gram matrix, cheap next to the extra full
        // gradient passes of more (linearly converging) steps: 3.7 s full against 4.3 s sampled
        // on 1e6 × 100.
        let stride = x.rows >= 2 * max(sampleRows, 1) ? x.rows / max(sampleRows, 1) : 1
        let strided = stride > 1 && (objective.kind == .softmax || objective.l2 == 0) ? Self.rows(of: x, stride: stride) : nil
        let sample = objective.kind == .softmax ? strided : nil
        // The separation tests (λ = 0) look at the strided rows first (see `SeparationSample`).
        let separationSample = objective.l2 == 0 ? strided.map { SeparationSample(objective, rows: $0, stride: stride) } : nil
        var sampledSteps = 0, sampledHessians = 0, useSample = sample != nil
        // The last sampled Hessian, while the steps taken with it cut the gradient norm 4-fold.
        var keptHessian: Matrix?

        var theta = [Double](repeating: 0, count: n)
        var current = try evaluate(objective, theta)
        let initialValue = current.value
        var recessionCount = 0
        var iterations = 0
        var warnedFallback = false

        while current.gradientNorm >= tolerance {
            guard iterations < maxIterations else {
                throw .notConverged(iterations: iterations, gradientNorm: current.gradientNorm)
            }
            // A fresh full Hessian needs every example's scores, and the margin test then reads
            // them too; otherwise the test reads the strided rows' first (`SeparationSample`),
            // whose scores a fresh sampled Hessian then reuses, or the blocks of every row (an
            // 80 MB score matrix at 1e6 × 10 was ~0.1 s of fresh memory per step).
            let reusing = keptHessian != nil
            let fullScores = useSample || reusing ? nil : try scoreMatrix(objective, x, theta)
            var stridedScores: Matrix?  // scores of `strided`, the rows of `sample` too
            if objective.l2 == 0 {
                if current.value < 1e-12 * initialValue {
                    throw .noOptimum(separable + " (the loss fell below 1e-12 of its initial value)")
                }
                if BLAS.nrm2(theta[0..<objective.weightCount]) > divergentWeightNorm {
                    throw .noOptimum(separable + " (‖W‖ exceeded \(divergentWeightNorm))")
                }
                var margin: Double
                if let z = fullScores {
                    margin = minimumMargin(kind: objective.kind, targets: objective.targets, scores: z)
                } else if let separationSample {
                    let z = try scoreMatrix(objective, separationSample.rows, theta)
                    stridedScores = z
                    // A sampled example without a positive margin settles the test.
                    margin = minimumMargin(kind: objective.kind, targets: separationSample.targets, scores: z)
                    if margin > 0 { margin = try minimumMargin(objective, parameters: theta) }
                } else {
                    margin = try minimumMargin(objective, parameters: theta)
                }
                if margin > 0 {
                    throw .noOptimum(separable + " (every training example is classified with a positive margin)")
                }
            }

            var hessian: Matrix
            if let keptHessian {
                hessian = keptHessian
            } else {
                if let fullScores {
                    hessian = try newtonHessian(objective, x: x, scores: fullScores)
                } else {
                    let rows = sample ?? x  // useSample: there are no full scores only then
                    let z: Matrix
                    if let stridedScores { z = stridedScores } else { z = try scoreMatrix(objective, rows, theta) }
                    hessian = try newtonHessian(objective, x: rows, scores: z)
                    sampledHessians += 1
                }
                addInvariantCurvature(&hessian, groups: groups)
            }
            var step = try newtonStep(hessian, gradient: current.gradient, method: method, fallbackNoted: &warnedFallback, notes: &notes)
            project(&step, groups: groups)

            var slope = 0.0
            for i in 0..<n { slope += current.gradient[i] * step[i] }
            if !(slope < 0) {
                // Only possible through rounding in a near-singular solve: steepest descent is
                // always a descent direction.
                step = current.gradient.map { -$0 }
                project(&step, groups: groups)
                slope = -current.gradientNorm * current.gradientNorm
            }

            if objective.l2 == 0 {
                recessionCount = try movesNoMarginDown(objective, step: step, sample: separationSample) ? recessionCount + 1 : 0
                if recessionCount >= recessionSteps {
                    throw .noOptimum(separable + " (Newton steps keep increasing every margin: quasi-complete separation)")
                }
            }

            let next = try lineSearch(objective, theta: theta, value: current.value, step: step, slope: slope)
            guard let next else {
                throw .notConverged(iterations: iterations, gradientNorm: current.gradientNorm)
            }
            // A Hessian whose step cut ‖∇f‖ 4-fold is kept for the next step; one that did not
            // is computed afresh at the new θ, and a fresh sampled one gives way to the full one.
            let cut = next.evaluation.gradientNorm <= 0.25 * current.gradientNorm
            keptHessian = cut ? hessian : nil
            if useSample {
                sampledSteps += 1
                if !cut && !reusing { useSample = false }
            }
            theta = next.theta
            current = next.evaluation
            iterations += 1
        }
        if objective.l2 == 0 && recessionCount > 0 {
            // Converged to tolerance while still walking along a separating direction: the small
            // gradient is exp(−margin), not an optimum.
            throw .noOptimum(separable + " (the last Newton step increased every margin)")
        }
        if let sample, sampledSteps > 0 {
            notes.append("newton: \(sampledSteps) of \(iterations) steps used the Hessian of one row in \(stride) (\(sample.rows) of \(x.rows) rows), computed at \(sampledHessians) of them and kept while each step cut ‖∇f‖ 4-fold; the others the full Hessian; the gradient and the stopping test use every row")
        }
        return ReferenceSolution(
            parameters: theta, objective: current.value, gradientNorm: current.gradientNorm,
            method: "newton", iterations: iterations, reciprocalCondition: nil, notes: notes)
    }

    // MARK: - Hessian

    /// Rows 0, s, 2s, … of `a`: the sample whose Hessian stands in for the full one.
    private static func rows(of a: Matrix, stride s: Int) -> Matrix {
        let count = (a.rows + s - 1) / s, n = a.columns
        var sample = Matrix(rows: count, columns: n)
        for i in 0..<count {
            for j in 0..<n { sample.values[i * n + j] = a.values[i * s * n + j] }
        }
        return sample
    }

    /// Z = X·W + 1·bᵀ via the objective, for `x` (the features or their sample).
    private static func scoreMatrix(_ objective: LinearModelObjective, _ x: Matrix, _ theta: [Double]) throws(SolverError) -> Matrix {
        do {
            return try objective.scores(x, parameters: theta)
        } catch {
            throw .linearAlgebra(error)
        }
    }

    /// Class probabilities from scores: σ(z) for logistic, a max-shifted softmax otherwise.
    static func probabilities(_ objective: LinearModelObjective, scores z: Matrix) -> Matrix {
        var p = z
        let k = z.columns
        if objective.kind == .logistic {
            for i in p.values.indices { p.values[i] = LogisticLoss.sigmoid(z.values[i]) }
            return p
        }
        for i in 0..<z.rows {
            let row = (i * k)..<((i + 1) * k)
            let c = z.values[row].max() ?? 0
            var sum = 0.0
            for j in row {
                p.values[j] = exp(z.values[j] - c)
                sum += p.values[j]
            }
            for j in row { p.values[j] /= sum }
        }
        return p
    }

    /// ∇²f(θ) in θ's layout: blocks (1/m) X̃ᵀ diag(p_k(δ_kl − p_l)) X̃ for class pairs (k, l),
    /// plus λ on the weight diagonal, where X̃ is `x` (the features, or a sample of their rows)
    /// with a ones column when the model fits a bias. Logistic is the K = 1 case with weights
    /// p(1 − p).
    ///
    /// Each block is a weighted Gram matrix whose weights have one sign — p_k(1 − p_k) ≥ 0 on
    /// the diagonal pairs, −p_k·p_l ≤ 0 off it — so they come from one pass of
    /// `BLAS.scaledGrams` (√|w| times each row, `dsyrk`, the sign as its α).
    ///
    /// With K ≥ 2 classes only the K(K−1)/2 off-diagonal blocks are computed: each block row of
    /// the Hessian sums to zero (Σ_l p_l = 1), so H_kk = −Σ_{l≠k} H_kl. That is 45 Gram blocks
    /// instead of 55 for K = 10, where the blocks are most of a Newton step, and the sum has
    /// terms of one sign where p_k(1 − p_k) cancels for p_k near 1.
    static func newtonHessian(_ objective: LinearModelObjective, x: Matrix, scores: Matrix) throws(SolverError) -> Matrix {
        let m = x.rows, dt = x.columns + (objective.fitsBias ? 1 : 0), k = objective.outputs
        let p = probabilities(objective, scores: scores)
        let n = dt * k
        let offDiagonal = (0..<k).flatMap { a in ((a + 1)..<k).map { Pair(a: a, c: $0) } }
        let computed = k == 1 ? [Pair(a: 0, c: 0)] : offDiagonal
        let scale = 1 / Double(m)
        var blocks: [Matrix]
        do {
            blocks = try BLAS.scaledGrams(x, appendingOnes: objective.fitsBias, negative: computed.map { $0.a != $0.c }) { i, s in
                let pair = computed[s]
                let pa = p.values[i * k + pair.a]
                let w = pair.a == pair.c ? pa * (1 - pa) : pa * p.values[i * k + pair.c]
                return (w * scale).squareRoot()
            }
        } catch {
            throw .linearAlgebra(error)
        }
        var pairs = computed
        if k > 1 {
            // H_aa = −Σ_{c≠a} H_ac over the upper triangles `dsyrk` filled, in class order.
            for a in 0..<k {
                var diagonal = Matrix(rows: dt, columns: dt)
                for (s, pair) in offDiagonal.enumerated() where pair.a == a || pair.c == a {
                    let block = blocks[s].values
                    for f in 0..<dt {
                        for g in f..<dt { diagonal.values[f * dt + g] -= block[f * dt + g] }
                    }
                }
                blocks.append(diagonal)
                pairs.append(Pair(a: a, c: a))
            }
        }
        var h = Matrix(rows: n, columns: n)
        for (s, pair) in pairs.enumerated() {
            let (a, c) = (pair.a, pair.c)
            let block = blocks[s].values
            // The block is symmetric in (f, g) and H in its two indices: four places each.
            for f in 0..<dt {
                for g in f..<dt {
                    let v = block[f * dt + g]
                    h.values[(f * k + a) * n + g * k + c] = v
                    h.values[(g * k + c) * n + f * k + a] = v
                    h.values[(g * k + a) * n + f * k + c] = v
                    h.values[(f * k + c) * n + g * k + a] = v
                }
            }
        }
        for i in 0..<objective.weightCount { h.values[i * n + i] += objective.l2 }
        return h
    }

    /// A class pair a ≤ c of the Hessian's blocks.
    private struct Pair: Sendable {
        var a: Int
        var c: Int
    }

    // MARK: - Softmax invariance

    /// Index groups {f·K + k : k < K} along which softmax is invariant (shifting all classes by
    /// one constant): the bias row when there is a bias, and every weight row when λ = 0.
    static func invariantGroups(_ objective: LinearModelObjective, augmentedColumns dt: Int) -> [[Int]] {
        guard objective.kind == .softmax else { return [] }
        let k = objective.outputs
        var rows: [Int] = []
        if objective.l2 == 0 { rows.append(contentsOf: 0..<objective.featureCount) }
        if objective.fitsBias { rows.append(objective.featureCount) }
        return rows.map { f in (0..<k).map { f * k + $0 } }
    }

    /// H + c·Σ vvᵀ over the unit vectors v = 1/√K on each group, c = mean diagonal of H. The
    /// gradient is orthogonal to every v, so the Newton step is unchanged; only the (exact) null
    /// space is filled in, which lets Cholesky run.
    private static func addInvariantCurvature(_ h: inout Matrix, groups: [[Int]]) {
        guard let first = groups.first else { return }
        let n = h.rows
        var trace = 0.0
        for i in 0..<n { trace += h.values[i * n + i] }
        let c = max(trace / Double(n), 1e-8) / Double(first.count)
        for group in groups {
            for i in group {
                for j in group { h.values[i * n + j] += c }
            }
        }
    }

    /// Removes the component of `step` along the invariant directions (group means), so rounding
    /// cannot drift θ away from the minimum-norm optimum.
    private static func project(_ step: inout [Double], groups: [[Int]]) {
        for group in groups {
            var mean = 0.0
            for i in group { mean += step[i] }
            mean /= Double(group.count)
            for i in group { step[i] -= mean }
        }
    }

    // MARK: - Newton step and line search

    private static func newtonStep(
        _ h: Matrix, gradient: [Double], method: SolverMethod,
        fallbackNoted: inout Bool, notes: inout [String]
    ) throws(SolverError) -> [Double] {
        let rhs = gradient.map { -$0 }
        let rankTolerance = 1e-12
        do {
            switch method {
            case .cholesky:
                return try LAPACK.potrs(LAPACK.potrf(h), rhs)
            case .qr:
                return try LAPACK.gels(h, rhs).solution
            case .svd:
                return try LAPACK.gelsd(h, rhs, rcond: rankTolerance).solution
            case .auto:
                do {
                    return try LAPACK.potrs(LAPACK.potrf(h), rhs)
                } catch .notPositiveDefinite(let order) {
                    if !fallbackNoted {
                        fallbackNoted = true
                        notes.append("newton: Hessian not positive definite (leading minor \(order); rank-deficient features?), Newton systems solved by SVD (dgelsd, minimum norm, rcond \(rankTolerance))")
                    }
                    return try LAPACK.gelsd(h, rhs, rcond: rankTolerance).solution
                }
            }
        } catch {
            throw .linearAlgebra(error)
        }
    }

    /// Armijo backtracking: the largest t = 2⁻ʲ with f(θ + t·s) ≤ f(θ) + 10⁻⁴·t·∇fᵀs. Near the
    /// optimum the predicted decrease drops below the rounding of f, where Armijo is meaningless;
    /// the full Newton step is then taken (the quadratic-convergence regime).
    private static func lineSearch(
        _ objective: LinearModelObjective, theta: [Double], value: Double, step: [Double], slope: Double
    ) throws(SolverError) -> (theta: [Double], evaluation: (value: Double, gradient: [Double], gradientNorm: Double))? {
        let roundingLevel = 64 * Double.ulpOfOne * max(1, abs(value))
        var t = 1.0
        for _ in 0..<60 {
            var candidate = theta
            for i in candidate.indices { candidate[i] += t * step[i] }
            let evaluation = try evaluate(objective, candidate)
            if evaluation.value.isFinite
                && (evaluation.value <= value + 1e-4 * t * slope || (t == 1 && -slope <= roundingLevel)) {
                return (candidate, evaluation)
            }
            t /= 2
        }
        return nil
    }

    // MARK: - Separation tests

    /// min over examples of the margin: (2y − 1)·z (logistic) or z_y − max_{k≠y} z_k (softmax),
    /// at θ = `parameters`, from the scores block by block (`reduceScoreBlocks`).
    static func minimumMargin(_ objective: LinearModelObjective, parameters: [Double]) throws(SolverError) -> Double {
        let kind = objective.kind, targets = objective.targets, k = objective.outputs
        do {
            let parts = try objective.reduceScoreBlocks(of: objective.features, parameters, initial: Double.infinity) { smallest, rows, z in
                smallest = min(smallest, minimumMargin(kind: kind, targets: targets, rows: rows, scores: z, outputs: k))
            }
            return parts.min() ?? .infinity
        } catch {
            throw .linearAlgebra(error)
        }
    }

    /// The smallest margin of the examples whose scores are the rows of `z` (targets in order).
    static func minimumMargin(kind: ModelKind, targets: [Double], scores z: Matrix) -> Double {
        z.values.withUnsafeBufferPointer {
            minimumMargin(kind: kind, targets: targets, rows: 0..<z.rows, scores: $0, outputs: z.columns)
        }
    }

    /// The smallest margin of the examples `rows`, whose scores `z` holds (K per row).
    static func minimumMargin(kind: ModelKind, targets: [Double], rows: Range<Int>, scores z: UnsafeBufferPointer<Double>, outputs k: Int) -> Double {
        var smallest = Double.infinity
        for (r, i) in rows.enumerated() {
            let y = Int(targets[i])
            if kind == .logistic {
                smallest = min(smallest, (y == 1 ? 1 : -1) * z[r])
            } else {
                var other = -Double.infinity
                for j in 0..<k where j != y { other = max(other, z[r * k + j]) }
                smallest = min(smallest, z[r * k + y] - other)
            }
        }
        return smallest
    }

    /// Whether moving along `step` lowers no example's margin (beyond `recessionTolerance` of the
    /// largest score change) while changing the scores at all: a direction along which the loss
    /// decreases forever, i.e. a (quasi-)separating direction.
    private static func movesNoMarginDown(
        _ objective: LinearModelObjective, step: [Double], sample: SeparationSample?
    ) throws(SolverError) -> Bool {
        let kind = objective.kind, targets = objective.targets, k = objective.outputs
        if let sample, try sample.movesSomeMarginDown(objective, step: step) { return false }
        let parts: [SIMD2<Double>]
        do {
            // X̃·S, the step's score change, as X·S_W + 1·s_bᵀ: its largest size and, as the
            // margin of the change, min over rival classes of Δz_y − Δz_k.
            parts = try objective.reduceScoreBlocks(of: objective.features, step, initial: SIMD2<Double>(0, .infinity)) { partial, rows, change in
                for value in change { partial.x = max(partial.x, abs(value)) }
                partial.y = min(partial.y, minimumMargin(kind: kind, targets: targets, rows: rows, scores: change, outputs: k))
            }
        } catch {
            throw .linearAlgebra(error)
        }
        let scale = parts.map(\.x).max() ?? 0, margin = parts.map(\.y).min() ?? .infinity
        guard scale > 1e-6 else { return false }
        return margin >= -recessionTolerance * scale
    }

    /// Every s-th row of the features with its target, and a bound on the scores' size: what
    /// the separation tests (λ = 0) look at before they pass over every row. Either test is
    /// settled by the rows it sees in one direction only — a sampled example whose margin is
    /// not positive; a step that moves some sampled margin down by more than the largest score
    /// change of any row could make negligible — and then the pass over every row would decide
    /// the same, so θ* is the same bits; otherwise that pass runs. Why: on 1e6 × 100 the two
    /// passes were ~0.1 s of each ~0.3 s step once the Hessian is kept (Benchmarks/NOTES.md,
    /// round 11); on data that is not separable the sample settles both at once.
    struct SeparationSample {
        let rows: Matrix
        let targets: [Double]
        let kind: ModelKind
        /// 2·max over every row of ‖x̃ᵢ‖₂ (x̃ with its ones column): |X̃·s| ≤ this·‖s‖/2 for
        /// every row, the 2 covering rounding.
        let rowNormBound: Double

        init(_ objective: LinearModelObjective, rows: Matrix, stride: Int) {
            self.rows = rows
            targets = (0..<rows.rows).map { objective.targets[$0 * stride] }
            kind = objective.kind
            // One pass over every row, in row blocks on every core (a max: any order is exact).
            let x = objective.features, d = x.columns, m = x.rows, parts = 16
            var largest = [Double](repeating: 0, count: parts)
            x.values.withUnsafeBufferPointer { v in
                largest.withUnsafeMutableBufferPointer { out in
                    nonisolated(unsafe) let (v, out) = (v, out)
                    BLAS.concurrently(parts) { part in
                        for i in (m * part / parts)..<(m * (part + 1) / parts) {
                            var sum = 0.0
                            for j in 0..<d { sum += v[i * d + j] * v[i * d + j] }
                            out[part] = max(out[part], sum)
                        }
                    }
                }
            }
            rowNormBound = 2 * ((largest.max() ?? 0) + (objective.fitsBias ? 1 : 0)).squareRoot()
        }

        /// Whether `step` moves some sampled margin down by more than `recessionTolerance` of
        /// a bound on every row's score change (so `movesNoMarginDown` is false).
        func movesSomeMarginDown(_ objective: LinearModelObjective, step: [Double]) throws(SolverError) -> Bool {
            let k = objective.outputs, dt = step.count / max(k, 1)
            var largestColumn = 0.0
            for c in 0..<k {
                var sum = 0.0
                for f in 0..<dt { sum += step[f * k + c] * step[f * k + c] }
                largestColumn = max(largestColumn, sum)
            }
            let bound = rowNormBound * largestColumn.squareRoot()
            let change = try scoreMatrix(objective, rows, step)
            return ReferenceSolver.minimumMargin(kind: kind, targets: targets, scores: change) < -recessionTolerance * bound
        }
    }
}
