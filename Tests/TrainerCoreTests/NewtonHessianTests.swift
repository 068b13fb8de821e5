import Testing
@testable import TrainerCore

/// The Newton Hessian built from weighted Gram blocks (`BLAS.scaledGrams`) against the sum over
/// examples written out by hand, and against centred differences of the gradient.
struct NewtonHessianTests {
    /// 1,300 rows: more than two of `scaledGrams`' 512-row blocks, so the last block is short
    /// and the blocks are split between the cores.
    static func objective(_ kind: ModelKind, rows: Int = 1_300, l2: Double = 0.01) throws -> LinearModelObjective {
        let data = try TrainingLoopTests.dataset(kind: kind, rows: rows, features: 4)
        return try LinearModelObjective(
            kind: kind, features: data.features, targets: data.targets, classCount: 3, fitsBias: true, l2: l2)
    }

    static func theta(_ f: LinearModelObjective) -> [Double] {
        (0..<f.parameterCount).map { 0.3 * Double($0 % 5) - 0.5 }
    }

    @Test(arguments: [ModelKind.logistic, .softmax])
    func equalsTheSumOverExamples(kind: ModelKind) throws {
        let f = try Self.objective(kind)
        let theta = Self.theta(f)
        let x = ReferenceSolver.augmentedFeatures(f)
        let scores = try f.scores(f.features, parameters: theta)
        let h = try ReferenceSolver.newtonHessian(f, x: f.features, scores: scores)
        let p = ReferenceSolver.probabilities(f, scores: scores)
        let k = f.outputs, dt = x.columns, n = dt * k, m = x.rows
        var expected = [Double](repeating: 0, count: n * n)
        for i in 0..<m {
            for a in 0..<k {
                for c in 0..<k {
                    let pa = p.values[i * k + a], pc = p.values[i * k + c]
                    let w = kind == .logistic ? pa * (1 - pa) : pa * ((a == c ? 1 : 0) - pc)
                    for fi in 0..<dt {
                        for g in 0..<dt {
                            expected[(fi * k + a) * n + g * k + c] += w * x.values[i * dt + fi] * x.values[i * dt + g] / Double(m)
                        }
                    }
                }
            }
        }
        for i in 0..<f.weightCount { expected[i * n + i] += f.l2 }
        let scale = expected.map(abs).max() ?? 1
        let worst = zip(h.values, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-13 * scale, "max |H − Σ| = \(worst), max |H| = \(scale)")
    }

    /// The ones column appended row by row gives the same bits as a copy of X with that column.
    @Test func gramsWithAppendedOnesEqualTheCopyBitForBit() throws {
        let f = try Self.objective(.softmax, rows: 5_000)
        let root: @Sendable (Int, Int) -> Double = { i, s in 0.1 + Double((i * 7 + s) % 13) / 13 }
        let appended = try BLAS.scaledGrams(f.features, appendingOnes: true, negative: [false, true], root: root)
        let copied = try BLAS.scaledGrams(ReferenceSolver.augmentedFeatures(f), negative: [false, true], root: root)
        #expect(appended.map(\.rows) == [5, 5] && copied.map(\.columns) == [5, 5])
        #expect(appended.map { $0.values.map(\.bitPattern) } == copied.map { $0.values.map(\.bitPattern) })
        #expect(appended[0][4, 4] > 0 && appended[1][0, 4] != 0)
    }

    @Test(arguments: [ModelKind.logistic, .softmax])
    func matchesCentredDifferencesOfTheGradient(kind: ModelKind) throws {
        let f = try Self.objective(kind, rows: 700)
        let theta = Self.theta(f)
        let h = try ReferenceSolver.newtonHessian(
            f, x: f.features, scores: f.scores(f.features, parameters: theta))
        let n = theta.count
        let step = 1e-5
        for j in 0..<n {
            var plus = theta, minus = theta
            plus[j] += step
            minus[j] -= step
            let gp = try ReferenceSolver.evaluate(f, plus).gradient
            let gm = try ReferenceSolver.evaluate(f, minus).gradient
            for i in 0..<n {
                let difference = (gp[i] - gm[i]) / (2 * step)
                #expect(abs(h.values[i * n + j] - difference) <= 1e-7 * max(1, abs(difference)), "H[\(i), \(j)]")
            }
        }
    }
}

/// Softmax Newton steps on a sampled Hessian (large data) reach the same optimum, to the
/// solver's tolerance, as steps on the full one.
struct NewtonSampledHessianTests {
    @Test(arguments: [0.01, 0])
    func sampledStepsReachTheSameOptimum(l2: Double) throws {
        let f = try NewtonHessianTests.objective(.softmax, rows: 1_300, l2: l2)
        let full = try ReferenceSolver.solveNewton(f, method: .auto, maxIterations: 100, tolerance: 1e-10, sampleRows: .max / 4)
        let sampled = try ReferenceSolver.solveNewton(f, method: .auto, maxIterations: 100, tolerance: 1e-10, sampleRows: 100)
        #expect(sampled.notes.contains { $0.hasPrefix("newton: ") && $0.contains("one row in 13 (100 of 1300 rows)") }, "\(sampled.notes)")
        // Some steps ran on a kept Hessian: fewer computed than the steps that used them.
        let note = try #require(sampled.notes.first { $0.hasPrefix("newton: ") })
        let counts = note.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(counts.count >= 6 && counts[5] < counts[0], "\(note)")
        #expect(!full.notes.contains { $0.contains("one row in") })
        #expect(sampled.gradientNorm < 1e-10 && full.gradientNorm < 1e-10)
        #expect(abs(sampled.objective - full.objective) <= 1e-13 * abs(full.objective))
        let difference = zip(sampled.parameters, full.parameters).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let norm = full.parameters.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(difference <= 1e-8 * norm, "‖θ_sampled − θ_full‖ = \(difference), ‖θ‖ = \(norm)")
    }

    @Test func logisticAlwaysUsesTheFullHessian() throws {
        let f = try NewtonHessianTests.objective(.logistic, rows: 1_300)
        let solution = try ReferenceSolver.solveNewton(f, method: .auto, maxIterations: 100, tolerance: 1e-10, sampleRows: 100)
        #expect(!solution.notes.contains { $0.contains("one row in") })
    }
}

extension ReferenceSolver {
    /// X̃: the features with a trailing ones column when the model has a bias, written out (the
    /// solver never forms it; tests compare against it).
    static func augmentedFeatures(_ objective: LinearModelObjective) -> Matrix {
        guard objective.fitsBias else { return objective.features }
        let m = objective.exampleCount, d = objective.featureCount
        var x = Matrix(rows: m, columns: d + 1, repeating: 1)
        for i in 0..<m {
            for j in 0..<d { x.values[i * (d + 1) + j] = objective.features.values[i * d + j] }
        }
        return x
    }
}
