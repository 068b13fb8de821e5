import Testing
@testable import TrainerCore

/// Closed-form and ill-conditioned least-squares cases, and the Hessian spectrum.
@Suite struct SolverLinearTests {
    @Test(arguments: SolverMethod.allCases)
    func identityDesignGivesTheTargetsBack(_ method: SolverMethod) throws {
        // X = I (m = d = 4), no bias: (1/m)‖w − y‖² + (λ/2)‖w‖² is minimised by w = y/(1 + mλ/2).
        let x = try Matrix(rowArrays: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
        let y = [1.0, -2, 3, 0.5]
        for l2 in [0.0, 0.5] {
            let objective = try LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: false, l2: l2)
            let solution = try ReferenceSolver.solve(objective, method: method)
            for (w, target) in zip(solution.parameters, y) {
                #expect(abs(w - target / (1 + 4 * l2 / 2)) < 1e-15)
            }
            #expect(solution.gradientNorm < 1e-15)
        }
    }

    @Test func biasIsExactAndUnpenalised() throws {
        // y = 3 + 2x exactly; with λ > 0 the slope shrinks but the line still passes through the
        // means (b = ȳ − x̄·w), which is what an unpenalised bias implies.
        let x = try Matrix(rowArrays: [[0], [1], [2], [3], [4]])
        let y = [3.0, 5, 7, 9, 11]
        let exact = try ReferenceSolver.solve(LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: true))
        #expect(abs(exact.parameters[0] - 2) < 1e-14 && abs(exact.parameters[1] - 3) < 1e-14)
        #expect(exact.objective < 1e-28)
        let ridge = try ReferenceSolver.solve(LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: true, l2: 1))
        // Centred: Σ(x − 2)² = 10, m·λ/2 = 2.5 → w = 20 / 12.5 = 1.6, b = 7 − 2·1.6 = 3.8.
        #expect(abs(ridge.parameters[0] - 1.6) < 1e-14 && abs(ridge.parameters[1] - 3.8) < 1e-14)
        #expect(ridge.gradientNorm < 1e-13)
    }

    /// A design with singular values 1 … 3·10⁻⁷ (cond(XᵀX) ≈ 1.1·10¹³) and y = X·w_true exactly.
    func illConditioned() throws -> (objective: LinearModelObjective, truth: [Double]) {
        let m = 40, d = 6
        // Orthonormal-ish columns from a deterministic pseudo-random matrix via Gram–Schmidt,
        // then scaled by the chosen singular values: X = Q·diag(σ)·Vᵀ with V = I.
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53) - 0.5
        }
        var q = [[Double]](repeating: [], count: d)
        for j in 0..<d {
            var v = (0..<m).map { _ in next() }
            for p in 0..<j {
                let dot = zip(v, q[p]).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<m { v[i] -= dot * q[p][i] }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            q[j] = v.map { $0 / norm }
        }
        // X = Q·diag(σ)·Vᵀ with V a dense Householder reflection I − 2uuᵀ: every column mixes
        // every singular value, so the columns have similar norms and the ill-conditioning is
        // near-collinearity, which no column scaling (to which Cholesky is invariant) can remove.
        let sigma = [1.0, 0.5, 0.1, 1e-2, 1e-4, 3e-7]
        let raw = [1.0, 2, 3, 4, 5, 6]
        let unit = raw.map { $0 / raw.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var x = Matrix(rows: m, columns: d)
        for i in 0..<m {
            for j in 0..<d {
                // (Q·diag(σ)·Vᵀ)[i, j] = Σₖ q[k][i]·σₖ·V[j, k], V symmetric.
                var sum = 0.0
                for k in 0..<d { sum += q[k][i] * sigma[k] * ((j == k ? 1 : 0) - 2 * unit[j] * unit[k]) }
                x[i, j] = sum
            }
        }
        let truth = [1.0, -2, 0.5, 3, -1, 2]
        var y = [Double](repeating: 0, count: m)
        try BLAS.gemv(x, truth, into: &y)
        return (try LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: false), truth)
    }

    @Test func autoFallsBackFromCholeskyOnIllConditionedData() throws {
        let (objective, truth) = try illConditioned()
        let spectrum = try ReferenceSolver.spectrum(objective)
        #expect(spectrum.conditionNumber >= 1e12)

        let forced = try ReferenceSolver.solve(objective, method: .cholesky)
        let forcedError = SolverTestData.relativeError(forced.parameters, truth)
        let auto = try ReferenceSolver.solve(objective)
        let autoError = SolverTestData.relativeError(auto.parameters, truth)
        print("[ill-conditioned] cond(XᵀX) = \(spectrum.conditionNumber), rcond(dpocon) = \(forced.reciprocalCondition ?? .nan); forced Cholesky θ rel. error \(forcedError); auto (\(auto.method)) θ rel. error \(autoError); notes: \(auto.notes)")

        #expect(forcedError > 1e-6)  // the normal equations visibly lose digits
        #expect(forced.notes.contains { $0.contains("digits lost") })
        #expect(auto.method == "qr" || auto.method == "svd")
        #expect(auto.notes.contains { $0.contains("falling back to QR") })
        #expect(autoError < 1e-7)
        #expect(autoError < forcedError / 1000)
    }

    @Test func rankDeficientDesignFallsBackToSVDMinimumNorm() throws {
        // Column 2 duplicates column 1: infinitely many optima; the reference is the minimum-norm
        // one, splitting the weight equally.
        let x = try Matrix(rowArrays: [[1, 1, 0], [2, 2, 1], [3, 3, 0], [4, 4, 1], [5, 5, 2]])
        let y = [2.0, 5, 6, 9, 12]  // = 2·x₁ + 1·x₃ (split as 1, 1 over the twin columns)
        let solution = try ReferenceSolver.solve(LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: false))
        #expect(solution.method == "svd")
        #expect(solution.notes.contains { $0.contains("effective rank 2") })
        for (w, want) in zip(solution.parameters, [1.0, 1, 1]) { #expect(abs(w - want) < 1e-12) }
    }

    @Test func spectrumOfAKnownHessian() throws {
        // m = 2, X = diag(1, 2), no bias, λ = 0.5: H = (2/m)XᵀX + λI = diag(1.5, 4.5).
        let x = try Matrix(rowArrays: [[1, 0], [0, 2]])
        let objective = try LinearModelObjective(kind: .linear, features: x, targets: [0, 0], fitsBias: false, l2: 0.5)
        let s = try ReferenceSolver.spectrum(objective)
        #expect(abs(s.lambdaMin - 1.5) < 1e-14 && abs(s.lambdaMax - 4.5) < 1e-14)
        #expect(abs(s.conditionNumber - 3) < 1e-14)
        #expect(abs(s.maxStableLearningRate - 2 / 4.5) < 1e-15)
        #expect(abs(ReferenceSolver.contractionFactor(spectrum: s.eigenvalues, lr: 0.2) - 0.7) < 1e-14)
        // At η = 2/λmax the slowest mode neither grows nor shrinks.
        #expect(abs(ReferenceSolver.contractionFactor(spectrum: s.eigenvalues, lr: s.maxStableLearningRate) - 1) < 1e-14)
    }

    @Test func spectrumIncludesTheUnpenalisedBias() throws {
        // x = ±1 (mean 0), bias column of ones: (2/m)X̃ᵀX̃ = 2I, plus λ on the weight only.
        let x = try Matrix(rowArrays: [[1], [-1]])
        let objective = try LinearModelObjective(kind: .linear, features: x, targets: [0, 0], fitsBias: true, l2: 1)
        let s = try ReferenceSolver.spectrum(objective)
        #expect(abs(s.eigenvalues[0] - 2) < 1e-14 && abs(s.eigenvalues[1] - 3) < 1e-14)
    }
}
