import Testing
@testable import TrainerCore

/// Round 3 fast paths of `trainer solve`: the fused Gram pass, the Hessian spectrum without a
/// copy of X, the finite check folded into the column sums, and full passes split over two
/// cores. None may change more than rounding, and every result must be the same bits run to run.
struct SolverFastPathTests {
    static func matrix(rows: Int, columns: Int, seed: UInt64, offset: Double = 0) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        var a = Matrix(rows: rows, columns: columns)
        for i in a.values.indices { a.values[i] = rng.nextGaussian() + offset }
        return a
    }

    /// Small (one thread, one chunk) and large (row split over the OpenBLAS threads, many chunks).
    @Test(arguments: [(7, 3), (80_000, 9)])
    func gramPassMatchesSeparateProducts(rows: Int, columns: Int) throws {
        let a = Self.matrix(rows: rows, columns: columns, seed: 31, offset: 0.5)
        var rng = SeededGenerator(seed: 32)
        let y = (0..<rows).map { _ in rng.nextGaussian() }
        let pass = try BLAS.gramPass(a, weightedBy: y)
        var gram = Matrix(rows: columns, columns: columns)
        try BLAS.syrkTransposed(a, into: &gram)
        var product = [Double](repeating: 0, count: columns)
        try BLAS.gemv(transpose: true, a, y, into: &product)
        let scale = Double(rows)
        for j in 0..<columns {
            var sum = 0.0
            for i in 0..<rows { sum += a[i, j] }
            #expect(abs(pass.columnSums[j] - sum) <= 1e-12 * scale)
            #expect(abs(pass.product[j] - product[j]) <= 1e-12 * scale)
            for k in 0..<columns {
                if k >= j {
                    #expect(abs(pass.gram[j, k] - gram[j, k]) <= 1e-12 * scale)
                } else {
                    #expect(pass.gram[j, k] == 0, "only the upper triangle is written")
                }
            }
        }
        // Same input, same bits.
        let again = try BLAS.gramPass(a, weightedBy: y)
        #expect(again.gram == pass.gram && again.columnSums == pass.columnSums && again.product == pass.product)
        // Without y or without the Gram matrix: the same sums.
        let sumsOnly = try BLAS.gramPass(a, gram: false)
        #expect(sumsOnly.columnSums == pass.columnSums && sumsOnly.product.isEmpty && sumsOnly.gram.rows == 0)
        #expect(throws: LinearAlgebraError.self) { try BLAS.gramPass(a, weightedBy: [1, 2]) }
    }

    @Test func gramPassOfAnEmptyMatrixIsZero() throws {
        let pass = try BLAS.gramPass(Matrix(rows: 0, columns: 3), weightedBy: [])
        #expect(pass.gram.values == [Double](repeating: 0, count: 9) && pass.columnSums == [0, 0, 0] && pass.product == [0, 0, 0])
    }

    /// The spectrum from XᵀX bordered by the column sums equals the one of the explicit copy
    /// with a ones column, and the solve hands out the same spectrum.
    @Test(arguments: [true, false])
    func spectrumWithoutTheCopyMatchesTheAugmentedMatrix(bias: Bool) throws {
        let x = Self.matrix(rows: 3000, columns: 7, seed: 41, offset: 0.3)
        var rng = SeededGenerator(seed: 42)
        let y = (0..<3000).map { _ in rng.nextGaussian() }
        let f = try LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: bias, l2: 0.05)
        let augmented = ReferenceSolver.augmentedFeatures(f)
        var h = Matrix(rows: augmented.columns, columns: augmented.columns)
        try BLAS.syrkTransposed(alpha: 2 / 3000.0, augmented, into: &h)
        for i in 0..<f.featureCount { h[i, i] += f.l2 }
        BLAS.symmetrizeUpper(&h)
        let want = try LAPACK.syevd(h).values.sorted()
        let spectrum = try ReferenceSolver.spectrum(f)
        #expect(spectrum.eigenvalues.count == want.count)
        for (got, w) in zip(spectrum.eigenvalues, want) { #expect(abs(got - w) <= 1e-12 * want.last!) }
        let solution = try ReferenceSolver.solve(f, method: .cholesky)
        let carried = try #require(solution.hessianSpectrum)
        for (got, w) in zip(carried.eigenvalues, spectrum.eigenvalues) { #expect(abs(got - w) <= 1e-12 * want.last!) }
        #expect(try ReferenceSolver.solve(f, method: .qr).hessianSpectrum == nil, "QR forms no XᵀX")
    }

    /// The finite check now rides on the column sums: every non-finite value is still found by
    /// every method, features are reported before targets, and finite values whose sums overflow
    /// are not called non-finite.
    @Test(arguments: [SolverMethod.auto, .cholesky, .qr, .svd])
    func nonFiniteFeaturesAreFoundByTheFusedPass(method: SolverMethod) throws {
        let clean = Self.matrix(rows: 50, columns: 4, seed: 51)
        let y = (0..<50).map { Double($0) }
        for bad in [Double.nan, .infinity, -.infinity] {
            for position in [0, 77, 199] {
                var x = clean
                x.values[position] = bad
                let f = try LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: true)
                #expect(throws: SolverError.invalidData("features contain NaN or infinity")) {
                    try ReferenceSolver.solve(f, method: method)
                }
                var badTargets = y
                badTargets[3] = .nan
                let both = try LinearModelObjective(kind: .linear, features: x, targets: badTargets, fitsBias: false)
                #expect(throws: SolverError.invalidData("features contain NaN or infinity")) {
                    try ReferenceSolver.solve(both, method: method)
                }
            }
        }
        var badTargets = y
        badTargets[3] = .infinity
        let f = try LinearModelObjective(kind: .linear, features: clean, targets: badTargets, fitsBias: true)
        #expect(throws: SolverError.invalidData("targets contain NaN or infinity")) { try ReferenceSolver.solve(f, method: method) }

        var huge = clean
        for i in 0..<50 { huge[i, 1] = .greatestFiniteMagnitude }
        let overflowing = try LinearModelObjective(kind: .linear, features: huge, targets: y, fitsBias: true)
        do {
            _ = try ReferenceSolver.solve(overflowing, method: method)
        } catch {
            #expect(error != .invalidData("features contain NaN or infinity"), "finite values whose sum overflows are finite")
        }
    }

    /// Large passes run as two fixed halves (on two cores when there are two): the same bits
    /// every time, and the same values as the one-range pass to rounding.
    @Test(arguments: ModelKind.allCases)
    func splitPassesAreReproducibleAndAgreeWithOneRange(kind: ModelKind) throws {
        let data = try TrainingLoopTests.dataset(kind: kind, rows: 30_000, features: 80)
        let f = try LinearModelObjective(
            kind: kind, features: data.features, targets: data.targets, classCount: 3, fitsBias: true, l2: 0.01)
        #expect(f.passParts() == [0..<15_000, 15_000..<30_000])
        let theta = WorkspaceTests.theta(f)
        let (value, gradient) = try f.valueAndGradient(theta)
        for _ in 0..<3 {
            let (v, g) = try f.valueAndGradient(theta)
            #expect(v.bitPattern == value.bitPattern && g == gradient)
            #expect(try f.meanLoss(theta).bitPattern == f.meanLoss(theta).bitPattern)
        }
        let (total, sum) = try f.lossAndGradientSum(theta, rows: 0..<f.exampleCount)
        let m = Double(f.exampleCount)
        var reference = sum.map { $0 / m }
        f.addPenaltyGradient(theta, to: &reference)
        #expect(abs(total / m + f.penalty(theta) - value) <= 1e-12 * abs(value))
        #expect(TrainingLoopTests.relativeDifference(gradient, reference) < 1e-12)
        #expect(abs(try f.meanLoss(theta) - total / m) <= 1e-12 * total / m)

        let small = try LinearModelObjective(kind: kind, features: Self.matrix(rows: 100, columns: 3, seed: 61), targets: Array(data.targets.prefix(100)), classCount: 3, fitsBias: true)
        #expect(small.passParts() == [0..<100], "small passes keep their sequential order")
    }
}
