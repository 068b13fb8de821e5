/// What one sweep member produced, reduced to the numbers the sweep table compares.
public struct SweepMemberResult: Sendable {
    /// The member as planned.
    public var member: SweepPlan.Member
    /// The run folder, when the run got that far.
    public var runDirectory: String?
    /// The run's status; nil when it failed with an error before finishing.
    public var runStatus: RunStatus?
    /// The error that stopped the member, if any (a result row says so; the sweep goes on).
    public var error: TrainerError?
    /// Full training objective after every epoch, with the optimizer step it was reached at.
    public var curve: [(step: Int, loss: Double)] = []
    /// f(θ) at the end.
    public var finalLoss: Double?
    /// f* of the reference optimum.
    public var optimum: Double?
    /// ‖θ − θ*‖.
    public var weightDistance: Double?
    public var measuredContraction: Double?
    public var predictedContraction: Double?
    public var maxStableLearningRate: Double?
    public var lambdaMax: Double?
    public var lambdaMin: Double?
    /// Step at which divergence was detected.
    public var divergedAtStep: Int?

    /// f − f*.
    public var objectiveGap: Double? {
        guard let finalLoss, let optimum else { return nil }
        return finalLoss - optimum
    }

    /// (f − f*) / |f*| (or f − f* when f* = 0, where a relative gap is undefined).
    public static func relativeGap(_ loss: Double, optimum: Double) -> Double {
        optimum == 0 ? loss - optimum : (loss - optimum) / abs(optimum)
    }

    public var relativeGap: Double? {
        guard let finalLoss, let optimum else { return nil }
        return Self.relativeGap(finalLoss, optimum: optimum)
    }

    /// The first optimizer step after which the relative gap was within `tolerance` (read off
    /// the per-epoch objective, which is per step for full-batch gradient descent).
    public func stepsToReach(_ tolerance: Double) -> Int? {
        guard let optimum, runStatus == .completed else { return nil }
        return curve.first { Self.relativeGap($0.loss, optimum: optimum) <= tolerance }?.step
    }

    /// `converged` (final relative gap within tolerance), `not yet converged`,
    /// `diverged at step N`, `completed` (no reference to judge by) or `error: …`.
    public func statusText(tolerance: Double) -> String {
        if let error { return "error: \(error)" }
        switch runStatus {
        case .diverged?, .failed?:
            return divergedAtStep.map { "diverged at step \($0)" } ?? "diverged"
        case .interrupted?:
            return "interrupted"
        default:
            guard let gap = relativeGap else { return "completed" }
            return gap <= tolerance ? "converged" : "not yet converged"
        }
    }

    /// Reads the numbers from a finished member's `summary.json`.
    mutating func read(summary: JSONValue) {
        func number(_ value: JSONValue?) -> Double? {
            if case .number(let x)? = value { return x }
            return nil
        }
        finalLoss = number(summary["final"]?["train_loss"])
        let reference = summary["reference"]
        optimum = number(reference?["objective"])
        weightDistance = number(reference?["weight_distance"])
        measuredContraction = number(reference?["measured_contraction"])
        predictedContraction = number(reference?["predicted_contraction"])
        maxStableLearningRate = number(reference?["max_stable_lr"])
        lambdaMax = number(reference?["lambda_max"])
        lambdaMin = number(reference?["lambda_min"])
        divergedAtStep = number(summary["divergence"]?["step"]).map { Int($0) }
    }
}
