/// One optimizer step as logged in `metrics.csv`.
public struct StepRecord: Equatable, Sendable {
    /// 1-based optimizer step.
    public var step: Int
    /// 1-based epoch the step belongs to.
    public var epoch: Int
    /// Learning rate used by this step.
    public var lr: Double
    /// Mean loss over the step's examples at the parameters before the update, plus the penalty.
    public var loss: Double
    /// Examples seen by this step (all micro-batches of an accumulation window).
    public var examples: Int
    /// ‖g‖ before clipping, weights and bias together.
    public var gradNorm: Double
    /// ‖g‖ after clipping.
    public var clippedGradNorm: Double
    /// The factor clipping multiplied the gradient by (1 when it did not fire).
    public var clipCoefficient: Double
    /// ‖g‖ over the weights only, before clipping.
    public var gradNormWeights: Double
    /// ‖g‖ over the bias only, before clipping (0 without a bias).
    public var gradNormBias: Double
    /// ‖Δθ‖ of this step's update.
    public var updateNorm: Double
    /// ‖θ‖ after the update.
    public var weightNorm: Double
    /// Whether the update was skipped because of a non-finite value (`on_nonfinite: skip`).
    public var skipped: Bool

    /// The CSV header of `metrics.csv`, in column order. Names are a user-facing contract.
    public static let csvHeader =
        "step,epoch,lr,loss,examples,grad_norm,clipped_grad_norm,clip_coef,grad_norm_weights,grad_norm_bias,update_norm,weight_norm,update_ratio,skipped"

    /// ‖Δθ‖ / ‖θ‖ (0 when θ = 0).
    public var updateRatio: Double { weightNorm > 0 ? updateNorm / weightNorm : 0 }

    /// The row for `metrics.csv`; doubles use the shortest text that reads back bit-exactly.
    public var csvRow: String {
        "\(step),\(epoch),\(format(lr)),\(format(loss)),\(examples),\(format(gradNorm)),\(format(clippedGradNorm)),\(format(clipCoefficient)),\(format(gradNormWeights)),\(format(gradNormBias)),\(format(updateNorm)),\(format(weightNorm)),\(format(updateRatio)),\(skipped ? 1 : 0)"
    }
}

/// Shortest round-trip text of a double, with `nan`, `inf` and `-inf` spelled the way numpy and
/// pandas read them.
@inlinable
func format(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return x.description
}
