import Testing
@testable import TrainerCore

/// The per-epoch evaluation (`lossAndMetric`): one pass must give what the loss pass and a
/// separate metric pass over the whole split's scores gave.
struct EvaluationPassTests {
    static func objective(_ kind: ModelKind, rows: Int, features: Int, bias: Bool) throws -> LinearModelObjective {
        let data = try TrainingLoopTests.dataset(kind: kind, rows: rows, features: features)
        return try LinearModelObjective(
            kind: kind, features: data.features, targets: data.targets, classCount: 3, fitsBias: bias, l2: 0.01)
    }

    /// The metric the two-pass evaluation computed.
    static func separateMetric(_ f: LinearModelObjective, _ theta: [Double]) throws -> Double {
        let z = try f.scores(f.features, parameters: theta)
        return f.kind.isClassifier
            ? Metrics.accuracy(scores: z, targets: f.targets)
            : Metrics.rSquared(predictions: z.values, targets: f.targets)
    }

    /// One block, one part: the same bits as before, loss and metric.
    @Test(arguments: ModelKind.allCases, [true, false])
    func smallSplitsGiveTheSameBitsAsTheSeparatePasses(kind: ModelKind, bias: Bool) throws {
        let f = try Self.objective(kind, rows: 203, features: 5, bias: bias)
        for seed in 0..<3 as Range<UInt64> {
            var rng = SeededGenerator(seed: seed)
            let theta = (0..<f.parameterCount).map { _ in rng.nextGaussian() }
            let (meanLoss, metric) = try f.lossAndMetric(theta)
            #expect(meanLoss.bitPattern == (try f.meanLoss(theta)).bitPattern)
            #expect(metric.bitPattern == (try Self.separateMetric(f, theta)).bitPattern)
            #expect(metric.isFinite && (f.kind.isClassifier ? metric > 0.2 && metric <= 1 : metric < 1))
        }
    }

    /// Large enough for many blocks and the two-core split (`passParts`): loss bit-identical,
    /// accuracy exact, R² to rounding (its residual sum is added per half).
    @Test(arguments: ModelKind.allCases)
    func splitPassesAgreeWithTheSeparatePasses(kind: ModelKind) throws {
        let f = try Self.objective(kind, rows: 20_000, features: 110, bias: true)
        #expect(f.passParts().count == 2)
        let theta = WorkspaceTests.theta(f)
        let (meanLoss, metric) = try f.lossAndMetric(theta)
        #expect(meanLoss.bitPattern == (try f.meanLoss(theta)).bitPattern)
        let separate = try Self.separateMetric(f, theta)
        if kind.isClassifier {
            #expect(metric == separate)
        } else {
            #expect(abs(metric - separate) <= 1e-12 * max(1, abs(separate)))
        }
    }

    /// `scores` of a large matrix (two parts, many blocks, written in place on two cores) are
    /// the blocks the passes compute (`reduceScoreBlocks`), in row order and bit for bit, and
    /// X·W + 1·bᵀ to rounding; the solver's margin test over blocks sees the same scores.
    @Test(arguments: ModelKind.allCases, [true, false])
    func largeScoresAreThePassesBlocksInOrder(kind: ModelKind, bias: Bool) throws {
        let f = try Self.objective(kind, rows: 20_000, features: 110, bias: bias)
        #expect(f.passParts().count == 2 && f.blockRows(rows: f.exampleCount) < 10_000)
        let theta = WorkspaceTests.theta(f)
        let z = try f.scores(f.features, parameters: theta)
        let blocks = try f.reduceScoreBlocks(of: f.features, theta, initial: [Double]()) { seen, _, scores in seen += scores }
        let same = z.values.map(\.bitPattern) == blocks.flatMap { $0 }.map(\.bitPattern)
        #expect(same)
        let k = f.outputs, d = f.featureCount
        for i in Swift.stride(from: 0, to: f.exampleCount, by: 997) {
            for c in 0..<k {
                var expected = bias ? theta[f.weightCount + c] : 0
                for j in 0..<d { expected += f.features.values[i * d + j] * theta[j * k + c] }
                #expect(abs(z.values[i * k + c] - expected) <= 1e-12 * max(1, abs(expected)), "row \(i), output \(c)")
            }
        }
        if kind.isClassifier {
            let fromMatrix = ReferenceSolver.minimumMargin(kind: kind, targets: f.targets, scores: z)
            #expect(try ReferenceSolver.minimumMargin(f, parameters: theta) == fromMatrix)
        }
    }

    @Test func constantTargetsHaveNoRSquaredAndNoRowsNoMetric() throws {
        let x = try Matrix(rows: 4, columns: 1, values: [1, 2, 3, 4])
        let constant = try LinearModelObjective(kind: .linear, features: x, targets: [2, 2, 2, 2], fitsBias: true)
        #expect(try constant.lossAndMetric([0.5, 0]).metric.isNaN)
        let empty = try LinearModelObjective(kind: .logistic, features: Matrix(rows: 0, columns: 1), targets: [], fitsBias: true)
        let (loss, metric) = try empty.lossAndMetric([0, 0])
        #expect(loss == 0 && metric.isNaN)
    }
}
