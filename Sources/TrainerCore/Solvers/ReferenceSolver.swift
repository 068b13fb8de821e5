#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Solves a `LinearModelObjective` to (near) machine precision with LAPACK, so that every
/// gradient-descent run can be compared with the true optimum.
///
/// ## Linear models (MSE)
/// f(w, b) = (1/m)‖Xw + b − y‖² + (λ/2)‖w‖² is minimised by the normal equations
/// (XᵀX + (mλ/2)I) w = Xᵀy. The bias is handled exactly by centring: w is solved from the centred
/// X and y and b = ȳ − x̄ᵀw, so the bias stays unpenalised and the intercept does not worsen the
/// conditioning.
/// - `.cholesky`: XᵀX by `dsyrk`, `dpotrf` + `dpotrs`, rcond by `dpocon`. Fast, but the normal
///   equations square the condition number: the solution loses about log10(1/rcond) digits.
/// - `.qr`: `dgels` on the least-squares problem [X; √(mλ/2)·I] w ≈ [y; 0] (L2 stays exact),
///   which loses only about log10(cond X) = ½·log10(1/rcond) digits.
/// - `.svd`: `dgelsd` on the same problem; singular values below max(rows, d)·ε·σ₁ count as
///   zero and the minimum-norm solution is returned (the only sensible answer when X is rank
///   deficient and λ = 0).
/// - `.auto`: Cholesky; if it fails or rcond < 1e-10 (`choleskyMinimumRcond`: below it more than
///   ~6 of 16 digits are gone, the accuracy the tests demand of θ) → QR; if R is singular or
///   numerically rank deficient (rcond(R) < max(rows, d)·ε) → SVD. `notes` records the chain
///   and the reason for each fallback.
/// `reciprocalCondition` estimates rcond(XᵀX + (mλ/2)I): from `dpocon` when Cholesky ran,
/// otherwise rcond(R)² (QR) or (σmin/σmax)² (SVD).
///
/// ## Logistic and softmax models
/// Newton's method (IRLS) from θ = 0 on the exact Hessian
/// (1/m) Σᵢ x̃ᵢx̃ᵢᵀ ⊗ (diag(pᵢ) − pᵢpᵢᵀ) + λ on the weight diagonal (x̃ = x with a 1 for the
/// bias), with an Armijo backtracking line search, until ‖∇f‖ < `tolerance` (default 1e-10);
/// `.notConverged` after `maxIterations`. f and ∇f come from `LinearModelObjective`. Softmax on
/// 200,000 rows or more starts with steps on the Hessian of an evenly strided 100,000-row
/// sample (`solveNewton`); the gradient and the stopping test always use every row. The Newton
/// system is solved by Cholesky (`.auto`, `.cholesky`), `dgels` (`.qr`) or `dgelsd` (`.svd`);
/// `.auto` falls back to the minimum-norm `dgelsd` solution when the Hessian is not positive
/// definite (rank-deficient features) and says so in `notes`.
/// - Softmax is invariant to adding one constant to every class's bias (bias unpenalised), and,
///   when λ = 0, to every class's weights of a feature, so its Hessian is singular along those
///   directions. They are known exactly, so the solver adds c·vvᵀ for each such unit direction v
///   (c = mean Hessian diagonal): that makes the matrix positive definite without changing the
///   step, because ∇f is orthogonal to v. Starting from 0 and projecting each step, the result
///   is the minimum-norm optimum: every invariant group sums to zero across classes.
/// - Size limit: the Hessian has n = K·(d + bias) rows; n > 2000 (`maxNewtonSize`, 32 MB and
///   ~3 GFLOP per factorization) throws `.tooLarge`.
/// - No optimum: with λ = 0 separable classes have no minimiser (the loss decreases forever
///   along a separating direction). The solver throws `.noOptimum` when every training example
///   is classified with a positive margin (an exact certificate of complete separation), when
///   the loss falls below 1e-12 of its initial value, when ‖W‖ exceeds 1e6, or when three
///   consecutive Newton steps move no margin down (to 1e-8 relative) — the signature of the
///   quasi-complete separation of iris, where one class splits off but the rest overlap.
///
/// ## Not supported
/// `model.l1 > 0` makes f non-smooth: there is no Newton/normal-equation optimum, so `.unsupported`
/// is thrown and the caller should skip the reference.
public enum ReferenceSolver {
    /// rcond of the normal matrix below which `.auto` abandons Cholesky for QR.
    public static let choleskyMinimumRcond = 1e-10
    /// Largest Newton system (K·(d + bias) unknowns) the solver will form.
    public static let maxNewtonSize = 2000
    /// Weight norm beyond which λ = 0 classification is declared to have no optimum.
    static let divergentWeightNorm = 1e6

    /// Solves `objective` to its optimum. See the type's documentation for methods and limits.
    public static func solve(
        _ objective: LinearModelObjective, method: SolverMethod = .auto,
        maxIterations: Int = 100, tolerance: Double = 1e-10
    ) throws(SolverError) -> ReferenceSolution {
        switch objective.kind {
        case .linear:
            // The features' finite check is part of the least-squares problem's one pass over X.
            try validate(objective, checkingFeatures: false)
            return try solveLeastSquares(objective, method: method)
        case .logistic, .softmax:
            try validate(objective)
            return try solveNewton(objective, method: method, maxIterations: maxIterations, tolerance: tolerance)
        }
    }

    /// Eigenvalues of the Hessian (2/m)X̃ᵀX̃ + λ·(weights) of a linear model's objective, where X̃
    /// has a ones column when the model fits a bias (an unpenalised coordinate). The L1 term, if
    /// any, has no curvature and is ignored.
    public static func spectrum(_ objective: LinearModelObjective) throws(SolverError) -> HessianSpectrum {
        guard objective.kind == .linear else {
            throw .unsupported("the Hessian spectrum is only defined here for linear models (constant Hessian); got \(objective.kind.rawValue)")
        }
        try validate(objective)
        let pass: BLAS.GramPass
        do {
            pass = try BLAS.gramPass(objective.features)
        } catch {
            throw .linearAlgebra(error)
        }
        return try hessianSpectrum(objective, gram: pass.gram, columnSums: pass.columnSums)
    }

    /// The spectrum of (2/m)X̃ᵀX̃ + λ·(weights) from G = XᵀX (upper triangle) and the column
    /// sums s = Σᵢ xᵢ: X̃ᵀX̃ is G bordered by s and m (the ones column's products), so it needs
    /// no copy of X with a ones column.
    ///
    /// Why: that copy (808 MB for 1e6 × 100) and the `dsyrk` over it cost ~0.5 s of a
    /// `trainer solve` process and doubled its peak memory; the solve already has G and s.
    static func hessianSpectrum(_ objective: LinearModelObjective, gram: Matrix, columnSums: [Double]) throws(SolverError) -> HessianSpectrum {
        let m = objective.exampleCount, d = objective.featureCount
        let n = d + (objective.fitsBias ? 1 : 0)
        guard gram.rows == d, gram.columns == d, columnSums.count == d else {
            throw .linearAlgebra(.dimensionMismatch("spectrum: XᵀX is \(gram.rows)x\(gram.columns), \(columnSums.count) sums, for \(d) features"))
        }
        let scale = 2 / Double(m)
        var h = Matrix(rows: n, columns: n)
        for i in 0..<d {
            for j in i..<d { h[i, j] = scale * gram[i, j] }
            h[i, i] += objective.l2
        }
        if objective.fitsBias {
            for i in 0..<d { h[i, d] = scale * columnSums[i] }
            h[d, d] = scale * Double(m)
        }
        BLAS.symmetrizeUpper(&h)
        do {
            return HessianSpectrum(eigenvalues: try LAPACK.syevd(h).values)
        } catch {
            throw .linearAlgebra(error)
        }
    }

    /// max over i of |1 − η·λᵢ|: the factor by which gradient descent with step η shrinks the
    /// error per iteration on a quadratic with Hessian eigenvalues λᵢ (< 1 iff it converges).
    public static func contractionFactor(spectrum eigenvalues: [Double], lr: Double) -> Double {
        eigenvalues.reduce(0) { max($0, abs(1 - lr * $1)) }
    }

    // MARK: - Shared helpers

    /// Rejects what no method can solve, before any LAPACK call sees it.
    ///
    /// `checkingFeatures: false` leaves the features' finite check to the caller's own pass
    /// over X (the least-squares problem folds it into its column sums); the error for
    /// non-finite features still comes before the one for bad targets.
    static func validate(_ objective: LinearModelObjective, checkingFeatures: Bool = true) throws(SolverError) {
        guard objective.l1 == 0 else {
            throw .unsupported("model.l1 = \(objective.l1) > 0 makes the objective non-smooth; there is no Newton/normal-equation optimum, so the reference is skipped")
        }
        guard objective.l2 >= 0, objective.l2.isFinite else {
            throw .invalidData("model.l2 must be finite and ≥ 0, got \(objective.l2)")
        }
        guard objective.exampleCount > 0 else { throw .invalidData("no training examples") }
        guard !checkingFeatures || allFinite(objective.features.values) else {
            throw .invalidData("features contain NaN or infinity")
        }
        switch objective.kind {
        case .linear:
            guard objective.targets.allSatisfy(\.isFinite) else {
                if !checkingFeatures && !allFinite(objective.features.values) {
                    throw .invalidData("features contain NaN or infinity")
                }
                throw .invalidData("targets contain NaN or infinity")
            }
        case .logistic:
            if let bad = objective.targets.first(where: { $0 != 0 && $0 != 1 }) {
                throw .invalidData("logistic targets must be 0 or 1, found \(bad)")
            }
        case .softmax:
            let k = objective.outputs
            guard k >= 2 else { throw .invalidData("softmax needs at least 2 classes, got \(k)") }
            if let bad = objective.targets.first(where: { !($0 >= 0 && $0 < Double(k) && $0.rounded() == $0) }) {
                throw .invalidData("softmax targets must be class indices in 0..<\(k), found \(bad)")
            }
        }
    }

    /// Whether no value is NaN or ±∞, in one vectorizable pass: the smallest distance of any
    /// exponent field from all-ones is 0 exactly when some value is not finite. (`allSatisfy`
    /// over 1e8 values through a key path took ~120 ms of a 1e6 × 100 solve; this is bound by
    /// memory bandwidth.)
    static func allFinite(_ values: [Double]) -> Bool {
        let exponent: UInt64 = 0x7FF0_0000_0000_0000
        return values.withUnsafeBufferPointer { p in
            var gap = UInt64.max
            for v in p { gap = min(gap, exponent &- (v.bitPattern & exponent)) }
            return gap != 0
        }
    }

    /// Evaluates f and ‖∇f‖ at θ with the objective's own code, so the reference is judged by
    /// the same numbers the trainer sees.
    static func evaluate(_ objective: LinearModelObjective, _ theta: [Double]) throws(SolverError) -> (value: Double, gradient: [Double], gradientNorm: Double) {
        do {
            let (value, gradient) = try objective.valueAndGradient(theta)
            return (value, gradient, BLAS.nrm2(gradient))
        } catch {
            throw .linearAlgebra(error)
        }
    }
}
