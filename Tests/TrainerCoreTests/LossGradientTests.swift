import Testing
@testable import TrainerCore

/// Every loss's closed-form gradient against centred finite differences of the full objective
/// (penalty and bias included), at random points and at points with very large |z|.
struct LossGradientTests {
    static func randomMatrix(_ rows: Int, _ columns: Int, _ rng: inout SeededGenerator) -> Matrix {
        var m = Matrix(rows: rows, columns: columns)
        for i in m.values.indices { m.values[i] = rng.nextGaussian() }
        return m
    }

    static func objective(_ kind: ModelKind, bias: Bool, l2: Double, seed: UInt64) throws -> LinearModelObjective {
        var rng = SeededGenerator(seed: seed)
        let m = 13, d = 4, k = 3
        let x = randomMatrix(m, d, &rng)
        let y: [Double] = (0..<m).map { _ in
            switch kind {
            case .linear: return rng.nextGaussian() * 3
            case .logistic: return Double(rng.nextBounded(2))
            case .softmax: return Double(rng.nextBounded(UInt64(k)))
            }
        }
        return try LinearModelObjective(kind: kind, features: x, targets: y, classCount: k, fitsBias: bias, l2: l2)
    }

    /// ‖g_a − g_n‖ / (‖g_a‖ + ‖g_n‖) with centred differences of step h.
    static func relativeError(_ f: LinearModelObjective, at theta: [Double], h: Double = 1e-5) throws -> Double {
        let analytic = try f.valueAndGradient(theta).gradient
        var numeric = [Double](repeating: 0, count: theta.count)
        for i in theta.indices {
            var plus = theta, minus = theta
            plus[i] += h
            minus[i] -= h
            numeric[i] = (try f.value(plus) - f.value(minus)) / (2 * h)
        }
        var diff = analytic
        for i in diff.indices { diff[i] -= numeric[i] }
        return BLAS.nrm2(diff) / (BLAS.nrm2(analytic) + BLAS.nrm2(numeric))
    }

    @Test(arguments: ModelKind.allCases, [false, true])
    func gradientMatchesCentredDifferences(kind: ModelKind, bias: Bool) throws {
        for seed in UInt64(1)...5 {
            let f = try Self.objective(kind, bias: bias, l2: 0.3, seed: seed)
            var rng = SeededGenerator(seed: seed + 100)
            let theta = (0..<f.parameterCount).map { _ in rng.nextGaussian() }
            let error = try Self.relativeError(f, at: theta)
            #expect(error < 1e-7, "kind \(kind) bias \(bias) seed \(seed): relative error \(error)")
            #expect(error > 0 || f.kind == .linear, "a zero error would mean the check compared a thing with itself")
        }
    }

    @Test(arguments: [ModelKind.logistic, .softmax])
    func gradientAccurateAtLargeScores(kind: ModelKind) throws {
        let f = try Self.objective(kind, bias: true, l2: 0, seed: 9)
        var rng = SeededGenerator(seed: 77)
        // Weights of size ~300 on standard-normal features give |z| of order 1e3.
        let theta = (0..<f.parameterCount).map { _ in rng.nextGaussian() * 300 }
        let z = try f.scores(f.features, parameters: theta)
        #expect(z.values.map(abs).max()! > 500)
        let (value, gradient) = try f.valueAndGradient(theta)
        #expect(value.isFinite && value > 0)
        #expect(gradient.allSatisfy { $0.isFinite })
        let error = try Self.relativeError(f, at: theta, h: 1e-4)
        #expect(error < 1e-7, "relative error \(error)")
    }

    @Test func logisticLossIsAccurateInTheTails() {
        // log(1 + e^-40) = 4.248354255291589e-18; the naive log(1+e^z) - z would give 0.
        let scores: [Double] = [40, -40, 1000, -1000, 0]
        let targets: [Double] = [1, 0, 0, 1, 1]
        var gradient = [Double](repeating: 0, count: 5)
        var losses: [Double] = []
        for i in 0..<5 {
            let l = [scores[i]].withUnsafeBufferPointer { s in
                [targets[i]].withUnsafeBufferPointer { t in
                    gradient.withUnsafeMutableBufferPointer { g in
                        LogisticLoss().lossAndScoreGradient(
                            scores: s, targets: t, rows: 1,
                            scoreGradient: UnsafeMutableBufferPointer(rebasing: g[i..<(i + 1)]))
                    }
                }
            }
            losses.append(l)
        }
        #expect(abs(losses[0] - 4.248354255291589e-18) < 1e-30)
        #expect(abs(losses[1] - 4.248354255291589e-18) < 1e-30)
        #expect(losses[2] == 1000)
        #expect(losses[3] == 1000)
        #expect(abs(losses[4] - 0.6931471805599453) < 1e-16)
        #expect(gradient[2] == 1 && gradient[3] == -1 && gradient[4] == -0.5)
    }

    @Test func softmaxLossMatchesHandComputedValue() {
        // z = (1, 2, 3), y = 0: loss = log(e + e² + e³) − 1 = 2.4076059644443806
        let z: [Double] = [1, 2, 3], y: [Double] = [0]
        var g = [Double](repeating: 0, count: 3)
        let loss = z.withUnsafeBufferPointer { zp in
            y.withUnsafeBufferPointer { yp in
                g.withUnsafeMutableBufferPointer { gp in
                    SoftmaxCrossEntropyLoss(classCount: 3).lossAndScoreGradient(scores: zp, targets: yp, rows: 1, scoreGradient: gp)
                }
            }
        }
        #expect(abs(loss - 2.4076059644443806) < 1e-15)
        #expect(abs(g[0] - (0.09003057317038046 - 1)) < 1e-15)
        #expect(abs(g[1] - 0.24472847105479764) < 1e-15)
        #expect(abs(g[2] - 0.6652409557748219) < 1e-15)
    }

    @Test func squaredErrorObjectiveMatchesFormula() throws {
        // X = [[1, 2], [3, 4]], y = (1, 0), w = (0.5, −1), b = 2, λ = 0.2:
        // r = (1·0.5 − 2 + 2 − 1, 1.5 − 4 + 2 − 0) = (−0.5, −0.5); L = (0.25 + 0.25)/2 + 0.1·1.25 = 0.375
        // ∇w = (2/2)·Xᵀr + λw = (−2 + 0.1, −3 − 0.2) = (−1.9, −3.2); ∇b = (2/2)·Σr = −1
        let x = try Matrix(rowArrays: [[1, 2], [3, 4]])
        let f = try LinearModelObjective(kind: .linear, features: x, targets: [1, 0], fitsBias: true, l2: 0.2)
        let (value, gradient) = try f.valueAndGradient([0.5, -1, 2])
        #expect(abs(value - 0.375) < 1e-15)
        #expect(abs(gradient[0] - -1.9) < 1e-15)
        #expect(abs(gradient[1] - -3.2) < 1e-15)
        #expect(abs(gradient[2] - -1) < 1e-15)
    }
}
