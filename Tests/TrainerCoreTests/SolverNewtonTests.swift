import Testing
@testable import TrainerCore

/// Newton (IRLS) reference for logistic and softmax models on small synthetic data.
@Suite struct SolverNewtonTests {
    /// Overlapping two-feature data (not separable), deterministic.
    func overlapping(classes: Int) throws -> (x: Matrix, y: [Double]) {
        var rows: [[Double]] = []
        var y: [Double] = []
        var seed: UInt64 = 12345
        func next() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53) - 0.5
        }
        for i in 0..<90 {
            let label = i % classes
            rows.append([Double(label) * 0.6 + 2 * next(), 0.5 - Double(label) * 0.3 + 2 * next()])
            y.append(Double(label))
        }
        return (try Matrix(rowArrays: rows), y)
    }

    @Test(arguments: [SolverMethod.auto, .cholesky, .qr, .svd])
    func logisticConvergesToAStationaryPoint(_ method: SolverMethod) throws {
        let (x, y) = try overlapping(classes: 2)
        for l2 in [0.0, 0.1] {
            let objective = try LinearModelObjective(kind: .logistic, features: x, targets: y, fitsBias: true, l2: l2)
            let solution = try ReferenceSolver.solve(objective, method: method)
            #expect(solution.method == "newton")
            #expect(solution.gradientNorm < 1e-10)
            #expect(solution.iterations < 20)
        }
    }

    @Test func softmaxReturnsTheMinimumNormOptimum() throws {
        let (x, y) = try overlapping(classes: 3)
        for l2 in [0.0, 0.1] {
            let objective = try LinearModelObjective(kind: .softmax, features: x, targets: y, classCount: 3, fitsBias: true, l2: l2)
            let solution = try ReferenceSolver.solve(objective)
            print("[newton] softmax λ=\(l2): iterations \(solution.iterations), ‖∇f‖ \(solution.gradientNorm)")
            #expect(solution.gradientNorm < 1e-10)
            // Every row of the d̃×K coefficient matrix sums to zero across classes (λ > 0 does
            // this for the weights by itself; the solver does it for the bias and for λ = 0).
            for f in 0..<3 {
                let sum = solution.parameters[(f * 3)..<(f * 3 + 3)].reduce(0, +)
                #expect(abs(sum) < 1e-12)
            }
        }
    }

    @Test func softmaxWithTwoClassesMatchesLogistic() throws {
        // Softmax with K = 2 at the minimum-norm optimum has class scores ±z/2 of the logistic z.
        let (x, y) = try overlapping(classes: 2)
        let logistic = try ReferenceSolver.solve(LinearModelObjective(kind: .logistic, features: x, targets: y, fitsBias: true))
        let softmax = try ReferenceSolver.solve(LinearModelObjective(kind: .softmax, features: x, targets: y, classCount: 2, fitsBias: true))
        #expect(abs(logistic.objective - softmax.objective) < 1e-14)
        for f in 0..<3 {
            #expect(abs(softmax.parameters[2 * f + 1] - softmax.parameters[2 * f] - logistic.parameters[f]) < 1e-9)
        }
    }

    @Test func separableDataWithoutL2HasNoOptimum() throws {
        let x = try Matrix(rowArrays: [[-2], [-1], [1], [2]])
        let objective = try LinearModelObjective(kind: .logistic, features: x, targets: [0, 0, 1, 1], fitsBias: true)
        #expect(throws: SolverError.self) { try ReferenceSolver.solve(objective) }
        // The same data with L2 has a unique optimum.
        let regularised = try LinearModelObjective(kind: .logistic, features: x, targets: [0, 0, 1, 1], fitsBias: true, l2: 0.01)
        #expect(try ReferenceSolver.solve(regularised).gradientNorm < 1e-10)
    }

    @Test func l1IsUnsupportedAndTooLargeIsRefused() throws {
        let (x, y) = try overlapping(classes: 2)
        let l1 = try LinearModelObjective(kind: .logistic, features: x, targets: y, fitsBias: true, l1: 0.1)
        #expect {
            try ReferenceSolver.solve(l1)
        } throws: { error in
            guard case SolverError.unsupported(let reason) = error else { return false }
            return reason.contains("skipped")
        }
        let wide = try LinearModelObjective(kind: .softmax, features: Matrix(rows: 3, columns: 700), targets: [0, 1, 2], classCount: 3, fitsBias: true)
        #expect {
            try ReferenceSolver.solve(wide)
        } throws: { error in
            guard case SolverError.tooLarge(let reason) = error else { return false }
            return reason.contains("2103")
        }
    }

    @Test func invalidLabelsAreRejectedBeforeAnyComputation() throws {
        let x = try Matrix(rowArrays: [[1], [2]])
        let objective = try LinearModelObjective(kind: .softmax, features: x, targets: [0, 3], classCount: 3, fitsBias: true)
        #expect(throws: SolverError.self) { try ReferenceSolver.solve(objective) }
    }
}
