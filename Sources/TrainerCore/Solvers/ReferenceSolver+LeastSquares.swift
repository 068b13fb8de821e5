#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The linear (MSE) reference: normal equations by Cholesky, least squares by QR or SVD.
//
// With a bias the problem is centred first: minimising over b gives b = ȳ − x̄ᵀw exactly, and
// what remains is the same problem on centred X and y with no intercept. Centring also removes
// the (often dominant) mean direction from XᵀX, which helps its conditioning.

extension ReferenceSolver {
    /// The centred least-squares problem min ‖Xc w − yc‖² + (mλ/2)‖w‖² and what is needed to
    /// recover θ from its solution.
    ///
    /// The centred copy of X (`centred`) is made only when a method needs it (QR, SVD, or
    /// Cholesky on data whose means are too large for the copy-free normal equations, see
    /// `normalEquations`): it is a second m × d matrix, 800 MB for 1e6 × 100.
    final class LeastSquaresProblem {
        let objective: LinearModelObjective
        let ridge: Double
        /// x̄ (zeros without a bias).
        let featureMeans: [Double]
        /// ȳ (0 without a bias).
        let targetMean: Double
        /// y − ȳ (y without a bias).
        let centredTargets: [Double]
        let fitsBias: Bool
        /// XᵀX (upper), Σx and Xᵀyc from one pass over X, when the method starts with Cholesky
        /// (nil for QR and SVD, which only need the means).
        let pass: BLAS.GramPass?
        private var centredFeatures: Matrix?

        /// Reads X once: for `.cholesky` and `.auto` the fused `BLAS.gramPass` (XᵀX, Σx, Xᵀyc),
        /// otherwise the column sums alone, both on every core.
        ///
        /// The finite check of the features is folded into that pass: a column sum is finite
        /// only if every value of the column is, so finite sums (and products) prove the
        /// features finite without a separate ~50 ms scan of 1e6 × 100. Non-finite sums from
        /// finite values (overflow near 1e308) fall back to the exact scan, which decides.
        ///
        /// - Throws: `.invalidData` for NaN or ±∞ features, `.linearAlgebra` for shape errors.
        init(_ objective: LinearModelObjective, method: SolverMethod = .auto) throws(SolverError) {
            let m = objective.exampleCount, d = objective.featureCount
            self.objective = objective
            ridge = Double(m) * objective.l2 / 2
            fitsBias = objective.fitsBias
            var yMean = 0.0
            var y = objective.targets
            if fitsBias {
                for i in 0..<m { yMean += y[i] }
                yMean /= Double(m)
                for i in 0..<m { y[i] -= yMean }
            }
            targetMean = yMean
            centredTargets = y
            let pass: BLAS.GramPass
            do {
                switch method {
                case .cholesky, .auto:
                    pass = try BLAS.gramPass(objective.features, weightedBy: y)
                    self.pass = pass
                case .qr, .svd:
                    pass = try BLAS.gramPass(objective.features, gram: false)
                    self.pass = nil
                }
            } catch {
                throw .linearAlgebra(error)
            }
            let sumsFinite = pass.columnSums.allSatisfy(\.isFinite) && pass.product.allSatisfy(\.isFinite)
            if !sumsFinite && !ReferenceSolver.allFinite(objective.features.values) {
                throw .invalidData("features contain NaN or infinity")
            }
            featureMeans = fitsBias ? pass.columnSums.map { $0 / Double(m) } : [Double](repeating: 0, count: d)
        }

        var rows: Int { objective.exampleCount }
        var columns: Int { objective.featureCount }

        /// Xc = X − 1·x̄ᵀ (X itself, shared, without a bias), made on first use.
        var centred: Matrix {
            if let x = centredFeatures { return x }
            var x = objective.features
            if fitsBias {
                let m = rows, d = columns
                x.values.withUnsafeMutableBufferPointer { p in
                    for i in 0..<m {
                        for j in 0..<d { p[i * d + j] -= featureMeans[j] }
                    }
                }
            }
            centredFeatures = x
            return x
        }

        /// θ = [w, b] with b = ȳ − x̄ᵀw.
        func parameters(weights w: [Double]) -> [Double] {
            guard fitsBias else { return w }
            var b = targetMean
            for j in w.indices { b -= featureMeans[j] * w[j] }
            return w + [b]
        }

        /// [Xc; √ridge·I] and [yc; 0]: the ridge as extra rows, so QR/SVD see it exactly.
        func augmentedSystem() -> (a: Matrix, b: [Double]) {
            let x = centred, y = centredTargets
            guard ridge > 0 else { return (x, y) }
            let m = x.rows, d = x.columns
            var a = Matrix(rows: m + d, columns: d)
            a.values.replaceSubrange(0..<(m * d), with: x.values)
            let root = ridge.squareRoot()
            for j in 0..<d { a.values[(m + j) * d + j] = root }
            return (a, y + [Double](repeating: 0, count: d))
        }

        /// Rank tolerance in the style of LAPACK/numpy: max(rows, d)·ε relative to σ₁.
        var rankTolerance: Double {
            Double(max(rows + (ridge > 0 ? columns : 0), columns)) * Double.ulpOfOne
        }

        /// Largest (XᵀX)ⱼⱼ / (XcᵀXc)ⱼⱼ = 1 + x̄ⱼ²/σⱼ² the copy-free normal equations accept: the
        /// subtraction XᵀX − m·x̄x̄ᵀ then loses at most one bit against forming XcᵀXc from a
        /// centred copy (an entry's rounding error scales with √(XᵀXⱼⱼ·XᵀXₖₖ), the result with
        /// √(XcᵀXcⱼⱼ·XcᵀXcₖₖ)). Standardized features have x̄ = 0 to rounding, ratio 1.
        static let maximumCentringAmplification = 2.0

        /// The normal equations (XcᵀXc + ridge·I) w = Xcᵀyc as a full symmetric matrix and the
        /// right-hand side.
        ///
        /// Fast path (no copy of X): G = XᵀX, Σx and Xᵀyc come from the one fused pass of `init`
        /// (`BLAS.gramPass`: `dsyrk` per chunk on both cores, the sums of the chunk while it is in
        /// cache), then XcᵀXc = G − m·x̄x̄ᵀ and Xcᵀyc = Xᵀyc − x̄·Σ(yc). Taken when every column
        /// passes `maximumCentringAmplification`; otherwise (a column whose mean is large against
        /// its spread, or a constant column) the centred copy is made and `dsyrk` runs on it, as
        /// before. On 1e6 × 100 the copy and the centring pass cost ~0.6 s of the ~1.1 s solve;
        /// fusing the means, the finite check and Xᵀyc into the `dsyrk` pass took the solve from
        /// ~0.50 s to ~0.3 s (with the two-core evaluation at θ*, BENCHMARKS.md).
        func normalEquations() throws(LinearAlgebraError) -> (matrix: Matrix, rhs: [Double], copyFree: Bool) {
            let m = rows, d = columns
            let pass: BLAS.GramPass
            if let made = self.pass {
                pass = made
            } else {
                pass = try BLAS.gramPass(objective.features, weightedBy: centredTargets)
            }
            var normal = pass.gram
            var rhs = pass.product
            var copyFree = false
            if fitsBias {
                let mm = Double(m)
                copyFree = (0..<d).allSatisfy { j in
                    let raw = normal[j, j]
                    let centred = raw - mm * featureMeans[j] * featureMeans[j]
                    return centred > 0 && raw <= Self.maximumCentringAmplification * centred
                }
                if copyFree {
                    for j in 0..<d {
                        for k in j..<d { normal[j, k] -= mm * featureMeans[j] * featureMeans[k] }
                    }
                    var residualSum = 0.0
                    for v in centredTargets { residualSum += v }
                    for j in 0..<d { rhs[j] -= featureMeans[j] * residualSum }
                } else {
                    let xc = centred
                    try BLAS.syrkTransposedSplittingRows(xc, into: &normal)
                    try BLAS.gemv(transpose: true, xc, centredTargets, into: &rhs)
                }
            } else {
                // No bias: nothing to centre, XᵀX and Xᵀy of X as it is.
                copyFree = true
            }
            for j in 0..<d { normal[j, j] += ridge }
            BLAS.symmetrizeUpper(&normal)
            return (normal, rhs, copyFree)
        }
    }

    static func solveLeastSquares(_ objective: LinearModelObjective, method: SolverMethod) throws(SolverError) -> ReferenceSolution {
        let problem = try LeastSquaresProblem(objective, method: method)
        var notes: [String] = []
        if objective.fitsBias {
            notes.append("bias solved exactly by centring X and y (b = ȳ − x̄ᵀw)")
        }
        var weights: [Double]
        var used: String
        var rcond: Double?
        do {
            switch method {
            case .cholesky:
                let result = try cholesky(problem)
                (weights, rcond, used) = (result.weights, result.rcond, "cholesky")
                if result.rcond < choleskyMinimumRcond {
                    notes.append("cholesky forced although rcond = \(format(result.rcond)) < \(format(choleskyMinimumRcond)): expect about \(digitsLost(result.rcond)) digits lost")
                }
            case .qr:
                let result = try qr(problem)
                (weights, rcond, used) = (result.weights, result.rcondR * result.rcondR, "qr")
            case .svd:
                let result = try svd(problem)
                (weights, rcond, used) = (result.weights, result.rcond, "svd")
                if result.rank < objective.featureCount {
                    notes.append("svd: effective rank \(result.rank) < \(objective.featureCount) features; minimum-norm solution")
                }
            case .auto:
                (weights, rcond, used) = try automatic(problem, notes: &notes)
            }
        } catch {
            throw .linearAlgebra(error)
        }
        let theta = problem.parameters(weights: weights)
        let (value, _, gradientNorm) = try evaluate(objective, theta)
        // The Hessian's spectrum from the XᵀX and Σx already computed: no second pass over X.
        let spectrum = problem.pass.flatMap { try? hessianSpectrum(objective, gram: $0.gram, columnSums: $0.columnSums) }
        return ReferenceSolution(
            parameters: theta, objective: value, gradientNorm: gradientNorm, method: used,
            iterations: 0, reciprocalCondition: rcond, notes: notes, hessianSpectrum: spectrum)
    }

    /// Cholesky → QR → SVD, each step taken only when the previous one is unreliable.
    private static func automatic(_ problem: LeastSquaresProblem, notes: inout [String]) throws(LinearAlgebraError) -> ([Double], Double?, String) {
        var rcond: Double?
        do {
            let result = try cholesky(problem)
            rcond = result.rcond
            if result.rcond >= choleskyMinimumRcond {
                return (result.weights, result.rcond, "cholesky")
            }
            notes.append("cholesky: rcond(XᵀX + mλ/2·I) = \(format(result.rcond)) < \(format(choleskyMinimumRcond)); the normal equations would lose about \(digitsLost(result.rcond)) digits, falling back to QR")
        } catch .notPositiveDefinite(let order) {
            notes.append("cholesky: XᵀX + mλ/2·I is not positive definite to working precision (leading minor \(order)), falling back to QR")
        }

        let n = problem.columns
        let rows = problem.rows + (problem.ridge > 0 ? n : 0)
        if rows < n {
            notes.append("qr: underdetermined (\(rows) rows < \(n) unknowns, no L2), using SVD for the minimum-norm solution")
        } else {
            do {
                let result = try qr(problem)
                if result.rcondR >= problem.rankTolerance {
                    return (result.weights, rcond ?? result.rcondR * result.rcondR, "qr")
                }
                notes.append("qr: rcond(R) = \(format(result.rcondR)) < \(format(problem.rankTolerance)): numerically rank deficient, falling back to SVD")
            } catch .singular(_, let index) {
                notes.append("qr: R has an exactly zero diagonal entry at \(index): rank deficient, falling back to SVD")
            }
        }

        let result = try svd(problem)
        if result.rank < n {
            notes.append("svd: effective rank \(result.rank) < \(n) features; minimum-norm solution")
        }
        return (result.weights, rcond ?? result.rcond, "svd")
    }

    private static func cholesky(_ problem: LeastSquaresProblem) throws(LinearAlgebraError) -> (weights: [Double], rcond: Double) {
        let (normal, rhs, _) = try problem.normalEquations()
        let factor = try LAPACK.potrf(normal)
        let rcond = try LAPACK.pocon(factor)
        return (try LAPACK.potrs(factor, rhs), rcond)
    }

    private static func qr(_ problem: LeastSquaresProblem) throws(LinearAlgebraError) -> (weights: [Double], rcondR: Double) {
        let (a, b) = problem.augmentedSystem()
        let result = try LAPACK.gels(a, b)
        return (result.solution, result.reciprocalCondition)
    }

    private static func svd(_ problem: LeastSquaresProblem) throws(LinearAlgebraError) -> (weights: [Double], rank: Int, rcond: Double) {
        let (a, b) = problem.augmentedSystem()
        let result = try LAPACK.gelsd(a, b, rcond: problem.rankTolerance)
        let s = result.singularValues
        let ratio = (s.first ?? 0) > 0 && s.count == a.columns ? (s.last ?? 0) / (s.first ?? 1) : 0
        return (result.solution, result.rank, ratio * ratio)
    }

    static func digitsLost(_ rcond: Double) -> Int {
        rcond > 0 ? Int((-log10(rcond)).rounded()) : 16
    }

    static func format(_ x: Double) -> String {
        // Two significant digits in scientific notation, without Foundation.
        guard x.isFinite, x != 0 else { return "\(x)" }
        let exponent = Int(log10(x.magnitude).rounded(.down))
        var mantissa = x / pow10(exponent)
        mantissa = (mantissa * 10).rounded() / 10
        return "\(mantissa)e\(exponent)"
    }

    private static func pow10(_ e: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(e) { result *= 10 }
        return e >= 0 ? result : 1 / result
    }
}
