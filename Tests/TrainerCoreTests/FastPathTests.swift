import Testing
@testable import TrainerCore

/// The second round of fast paths must not change what is computed: CSV rows byte for byte,
/// batches bit for bit, the normal equations to rounding, and the finite check exactly.
struct FastPathTests {
    /// The text `csvRow` produced before it was written into a byte buffer.
    static func interpolated(_ r: StepRecord) -> String {
        "\(r.step),\(r.epoch),\(format(r.lr)),\(format(r.loss)),\(r.examples),\(format(r.gradNorm)),\(format(r.clippedGradNorm)),\(format(r.clipCoefficient)),\(format(r.gradNormWeights)),\(format(r.gradNormBias)),\(format(r.updateNorm)),\(format(r.weightNorm)),\(format(r.updateRatio)),\(r.skipped ? 1 : 0)"
    }

    /// The logistic loss shares one `exp` and one `log1p` between ℓ and σ; it must give the
    /// bits of evaluating `term` and `sigmoid` separately, on both branches and at the extremes.
    /// ℓ(z, y) as its two softplus terms, each with its own `exp` and `log1p`.
    static func separateTerm(_ z: Double, _ y: Double) -> Double {
        y * LogisticLoss.softplus(-z) + (1 - y) * LogisticLoss.softplus(z)
    }

    @Test func logisticSharedExponentialIsBitIdentical() {
        var zs: [Double] = [0, -0.0, 1e-300, -1e-300, 1, -1, 36.7, -36.7, 40, -40, 709, -709, 745, -745, 1e300, -1e300]
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<5000 { zs.append(rng.nextGaussian() * Double.pow10(Int(rng.next() % 6) - 2)) }
        var scores: [Double] = [], targets: [Double] = []
        for z in zs {
            for y in [0.0, 1.0, 0.25] {
                let (term, sigmoid) = LogisticLoss.termAndSigmoid(z, y)
                #expect(term.bitPattern == Self.separateTerm(z, y).bitPattern, "z = \(z), y = \(y)")
                #expect(sigmoid.bitPattern == LogisticLoss.sigmoid(z).bitPattern, "z = \(z)")
                scores.append(z)
                targets.append(y)
            }
        }
        var gradient = [Double](repeating: 0, count: scores.count)
        let (withGradient, lossOnly) = scores.withUnsafeBufferPointer { z in
            targets.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    (LogisticLoss().lossAndScoreGradient(scores: z, targets: y, rows: z.count, scoreGradient: g),
                     LogisticLoss().loss(scores: z, targets: y, rows: z.count))
                }
            }
        }
        var expected = 0.0
        for i in scores.indices {
            expected += Self.separateTerm(scores[i], targets[i])
            #expect(gradient[i].bitPattern == (LogisticLoss.sigmoid(scores[i]) - targets[i]).bitPattern)
        }
        #expect(withGradient.bitPattern == expected.bitPattern)
        #expect(lossOnly.bitPattern == expected.bitPattern)
    }

    @Test func csvRowsAreTheSameTextAsStringInterpolation() {
        let specials: [Double] = [
            0, -0.0, 1, -1, 0.1, 1e-5, 1e16, 1e22, 123456789012345678, 0.1 + 0.2, .pi, -.pi * 1e-300,
            .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, .nan, .infinity, -.infinity, 100,
        ]
        var rng = SeededGenerator(seed: 11)
        var values = specials
        for _ in 0..<2000 { values.append(rng.nextGaussian() * Double.pow10(Int(rng.next() % 40) - 20)) }
        for (i, v) in values.enumerated() {
            let r = StepRecord(
                step: i * 7919 - 3, epoch: -i, lr: v, loss: -v, examples: Int.max - i, gradNorm: v * 3,
                clippedGradNorm: v / 7, clipCoefficient: 1, gradNormWeights: v.squareRoot(), gradNormBias: 0,
                updateNorm: v * v, weightNorm: v, skipped: i % 2 == 0)
            #expect(r.csvRow == Self.interpolated(r))
            let e = EpochRecord(epoch: i, step: Int.min + i, trainLoss: v, valLoss: -v, trainMetric: v / 3, valMetric: .nan)
            #expect(e.csvRow == "\(e.epoch),\(e.step),\(format(e.trainLoss)),\(format(e.valLoss)),\(format(e.trainMetric)),\(format(e.valMetric))")
        }
    }

    @Test(arguments: ModelKind.allCases)
    func consecutiveRowsAndPrefetchHintsLeaveEveryBitAlone(kind: ModelKind) throws {
        let f = try WorkspaceTests.objective(kind)
        let theta = WorkspaceTests.theta(f)
        var workspace = f.makeWorkspace(batchCapacity: 64)
        for range in [0..<64, 10..<50, 150..<203, 7..<8] {
            var inPlace = [Double](repeating: 0, count: f.parameterCount)
            var gathered = inPlace
            let rows = Array(range)[...]
            let a = try f.accumulate(rows: rows, parameters: theta, into: &inPlace, workspace: &workspace,
                                     prefetching: [-5, 0, f.exampleCount, Int.max, 3][...])
            let b = try f.accumulate(
                batchFeatures: f.features.gatheringRows(rows), batchTargets: rows.map { f.targets[$0] },
                parameters: theta, into: &gathered)
            #expect(a == b)
            #expect(inPlace == gathered)
        }
    }

    @Test func finiteCheckFindsEveryNonFiniteValue() {
        var values = (0..<1001).map { Double($0) - 500.5 }
        values.append(.greatestFiniteMagnitude)
        values.append(-.leastNonzeroMagnitude)
        #expect(ReferenceSolver.allFinite(values))
        #expect(ReferenceSolver.allFinite([]))
        for bad in [Double.nan, -.nan, .infinity, -.infinity, .signalingNaN] {
            for position in [0, 17, values.count - 1] {
                var copy = values
                copy[position] = bad
                #expect(!ReferenceSolver.allFinite(copy))
            }
        }
    }

    @Test func rowSplitSyrkMatchesOneCall() throws {
        var rng = SeededGenerator(seed: 5)
        let m = 80_000, n = 31
        var a = Matrix(rows: m, columns: n)
        for i in a.values.indices { a.values[i] = rng.nextGaussian() }
        var split = Matrix(rows: n, columns: n), whole = split
        try BLAS.syrkTransposedSplittingRows(a, into: &split)
        try BLAS.syrkTransposed(a, into: &whole)
        for i in 0..<n {
            for j in i..<n { #expect(abs(split[i, j] - whole[i, j]) <= 1e-12 * Double(m)) }
        }
        var wrong = Matrix(rows: n + 1, columns: n)
        #expect(throws: LinearAlgebraError.self) { try BLAS.syrkTransposedSplittingRows(a, into: &wrong) }
    }

    /// Features with small means take the copy-free normal equations, with large means the
    /// centred copy; both must agree with QR on the same problem.
    @Test(arguments: [0.0, 0.1, 50.0])
    func normalEquationsAgreeWithQRWhetherOrNotTheyCopy(offset: Double) throws {
        var rng = SeededGenerator(seed: 21)
        let m = 500, d = 6
        var x = Matrix(rows: m, columns: d)
        var y = [Double](repeating: 0, count: m)
        for i in 0..<m {
            for j in 0..<d { x[i, j] = rng.nextGaussian() + offset * Double(j + 1) }
            y[i] = 3 + (0..<d).reduce(0) { $0 + x[i, $1] * Double($1 - 2) } + 0.1 * rng.nextGaussian()
        }
        let f = try LinearModelObjective(kind: .linear, features: x, targets: y, fitsBias: true, l2: 0.001)
        let problem = try ReferenceSolver.LeastSquaresProblem(f)
        let copyFree = try problem.normalEquations().copyFree
        #expect(copyFree == (offset < 1))
        let viaCholesky = try ReferenceSolver.solve(f, method: .cholesky).parameters
        let viaQR = try ReferenceSolver.solve(f, method: .qr).parameters
        #expect(TrainingLoopTests.relativeDifference(viaCholesky, viaQR) < 1e-10)
    }
}

private extension Double {
    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e >= 0 ? r : 1 / r
    }
}
