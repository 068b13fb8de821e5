/// The reference optimum θ* of exactly the objective a run trained, and how far training got
/// from it; written to `summary.json` under `reference`.
///
/// Fields: `method`, `objective` (f*), `objective_gap` (f(θ) − f*), `weight_distance`
/// (‖θ − θ*‖ over weights and bias), `relative_weight_distance` (divided by ‖θ*‖),
/// `gradient_norm` (‖∇f(θ*)‖), `iterations`, `rcond`, `notes`; for linear models also
/// `lambda_max`, `lambda_min`, `condition_number`, `max_stable_lr` (2/λ_max),
/// `predicted_contraction` (max|1 − η·λᵢ| for the configured lr) and, for full-batch
/// gradient-descent runs, `measured_contraction`. When no reference can be computed, `skipped`
/// says why.
///
/// The reference is skipped when `compare.reference` is false, when `model.l1 > 0` (no smooth
/// optimum), when a classifier has more than `ReferenceSolver.maxNewtonSize` unknowns, or when a
/// linear model has more than `maxLinearFeatures` features.
public struct ReferenceComparison: Sendable {
    /// Largest number of features for which a run solves the linear reference (a d×d system).
    public static let maxLinearFeatures = 5000

    public var solution: ReferenceSolution?
    public var objectiveGap: Double?
    public var weightDistance: Double?
    public var relativeWeightDistance: Double?
    public var spectrum: HessianSpectrum?
    public var predictedContraction: Double?
    public var measuredContraction: Double?
    public var skippedReason: String?

    /// A sweep's members share solves through `memo` (the key and the member's folder name).
    public static func compute(
        config: TrainerConfig, data: PreparedData, outcome: TrainingOutcome, epochs: [EpochRecord],
        memo: (memo: ReferenceMemo, key: String, member: String)? = nil
    ) -> ReferenceComparison? {
        guard config.compare.reference else { return nil }
        var result = ReferenceComparison()
        let objective = data.train
        if objective.l1 > 0 {
            result.skippedReason = "model.l1 > 0 makes the objective non-smooth; no LAPACK reference"
            return result
        }
        if objective.kind == .linear && objective.featureCount > maxLinearFeatures {
            result.skippedReason = "\(objective.featureCount) features is above the reference limit of \(maxLinearFeatures)"
            return result
        }
        do {
            let solved = try Self.solve(objective, config: config, memo: memo)
            let solution = solved.solution
            result.solution = solution
            let theta = outcome.parameters
            if let value = try? objective.value(theta) {
                result.objectiveGap = value - solution.objective
            }
            var difference = theta
            for i in difference.indices { difference[i] -= solution.parameters[i] }
            let distance = GradientClipping.l2Norm(difference)
            let norm = GradientClipping.l2Norm(solution.parameters)
            result.weightDistance = distance
            result.relativeWeightDistance = norm > 0 ? distance / norm : nil
            if let spectrumResult = solved.spectrum {
                let spectrum = try spectrumResult.get()
                result.spectrum = spectrum
                result.predictedContraction = ReferenceSolver.contractionFactor(spectrum: spectrum.eigenvalues, lr: config.optimizer.lr)
                if Self.isPlainFullBatchGradientDescent(config, trainRows: objective.exampleCount) {
                    result.measuredContraction = Self.measuredContraction(epochs: epochs, optimum: solution.objective)
                }
            }
        } catch {
            result.skippedReason = "\(error)"
        }
        return result
    }

    /// θ* and, for linear models, the Hessian's spectrum (or why it failed): solved, or taken
    /// from `memo` when a sweep member with the same objective already solved it (then a note
    /// says which).
    static func solve(
        _ objective: LinearModelObjective, config: TrainerConfig,
        memo: (memo: ReferenceMemo, key: String, member: String)?
    ) throws(SolverError) -> ReferenceMemo.Solved {
        if let memo, let entry = memo.memo.entry(memo.key) {
            var solved = try entry.result.get()
            solved.solution.notes.append(
                "solved once for the sweep: the same objective (data, model, solver settings and seed) as member \(entry.solvedBy)")
            return solved
        }
        let result = Result { () throws(SolverError) -> ReferenceMemo.Solved in
            let solution = try ReferenceSolver.solve(
                objective, method: config.solver.method, maxIterations: config.solver.maxIterations,
                tolerance: config.solver.tolerance)
            let spectrum = objective.kind == .linear
                ? Result { () throws(SolverError) in try ReferenceSolver.spectrum(objective) } : nil
            return ReferenceMemo.Solved(solution: solution, spectrum: spectrum)
        }
        if let memo { memo.memo.store(ReferenceMemo.Entry(result: result, solvedBy: memo.member), for: memo.key) }
        return try result.get()
    }

    /// Constant-step full-batch gradient descent, the setting where max|1 − ηλᵢ| predicts the rate.
    static func isPlainFullBatchGradientDescent(_ config: TrainerConfig, trainRows: Int) -> Bool {
        let fullBatch: Bool
        switch config.training.batchSize {
        case .full: fullBatch = true
        case .size(let n): fullBatch = n >= trainRows
        }
        return fullBatch && config.optimizer.type == .sgd && config.optimizer.momentum == 0
            && config.schedule.type == .constant && config.schedule.warmupSteps == 0
            && config.training.clipNorm == nil && config.training.clipValue == nil
    }

    /// The per-step factor by which the distance to the optimum shrank, read off the objective-gap
    /// curve. On a quadratic the gap f(θₜ) − f* shrinks asymptotically by the square of the
    /// distance's factor, so this is the median of √(gapₜ₊₁ / gapₜ) over the steps whose gaps are
    /// still well above rounding (gap > 1e-12·(1 + |f*|)). With full batches there is one step
    /// per epoch, so the epoch log has every step's gap.
    static func measuredContraction(epochs: [EpochRecord], optimum: Double) -> Double? {
        let floor = 1e-12 * (1 + abs(optimum))
        let gaps = epochs.map { $0.trainLoss - optimum }
        var ratios: [Double] = []
        for t in 1..<max(gaps.count, 1) where gaps[t - 1] > floor && gaps[t] > floor {
            ratios.append((gaps[t] / gaps[t - 1]).squareRoot())
        }
        guard !ratios.isEmpty else { return nil }
        // The tail is where the slowest eigen-direction dominates, so use the last half.
        let tail = ratios.suffix(max(ratios.count / 2, 1)).sorted()
        return tail[tail.count / 2]
    }

    public func json() -> JSONValue {
        if let skippedReason {
            return .object([("skipped", .string(skippedReason))])
        }
        var fields: [(String, JSONValue)] = []
        if let s = solution {
            fields += [
                ("method", .string(s.method)),
                ("objective", .number(s.objective)),
                ("objective_gap", number(objectiveGap)),
                ("weight_distance", number(weightDistance)),
                ("relative_weight_distance", number(relativeWeightDistance)),
                ("gradient_norm", .number(s.gradientNorm)),
                ("iterations", .number(Double(s.iterations))),
                ("rcond", number(s.reciprocalCondition)),
                ("notes", .array(s.notes.map { .string($0) })),
            ]
        }
        if let spectrum {
            fields += [
                ("lambda_max", .number(spectrum.lambdaMax)),
                ("lambda_min", .number(spectrum.lambdaMin)),
                ("condition_number", number(spectrum.conditionNumber)),
                ("max_stable_lr", number(spectrum.maxStableLearningRate)),
                ("predicted_contraction", number(predictedContraction)),
                ("measured_contraction", number(measuredContraction)),
            ]
        }
        return .object(fields)
    }

    func number(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x)
    }

    func textLines() -> [String] {
        if let skippedReason { return ["reference  skipped: \(skippedReason)"] }
        guard let s = solution else { return [] }
        var lines = [
            "reference  f* = \(fmt(s.objective)) (\(s.method)); gap f − f* = \(fmt(objectiveGap ?? .nan)); ‖θ − θ*‖ = \(fmt(weightDistance ?? .nan)) (relative \(fmt(relativeWeightDistance ?? .nan)))"
        ]
        if let spectrum {
            var line = "hessian    λ_max \(fmt(spectrum.lambdaMax)), λ_min \(fmt(spectrum.lambdaMin)), stable lr < \(fmt(spectrum.maxStableLearningRate)); contraction predicted \(fmt(predictedContraction ?? .nan))"
            if let measuredContraction { line += ", measured \(fmt(measuredContraction))" }
            lines.append(line)
        }
        return lines
    }
}
