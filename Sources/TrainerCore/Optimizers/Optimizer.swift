/// A first-order optimizer over a flat parameter vector.
///
/// Parameters are one `[Double]`: the first `weightCount` entries are weights, the rest are biases.
/// The gradient passed to ``step(parameters:gradient:lr:)`` is final — already averaged over the
/// mini-batch and clipped — so optimizers never see raw per-sample gradients.
///
/// The learning rate is a per-call argument rather than stored state, exactly like PyTorch's
/// `param_group["lr"]` being rewritten by a scheduler before each `step()`. That keeps the
/// schedule a pure function of the step index and the optimizer state free of it.
public protocol Optimizer: Sendable {
    /// Updates `parameters` in place from a finished (averaged, clipped) gradient using learning
    /// rate `lr`. Both arrays must have the optimizer's `parameterCount` entries.
    mutating func step(parameters: inout [Double], gradient: [Double], lr: Double)

    /// Number of steps taken so far (PyTorch's `state["step"]`).
    var stepCount: Int { get }

    /// State for checkpoints: named flat buffers (PyTorch's names, e.g. `"exp_avg"`) plus the
    /// step count. Restoring it with ``restore(_:)`` continues bit-for-bit identically.
    func state() -> OptimizerState

    /// Replaces the optimizer's state with a checkpointed one.
    ///
    /// Throws ``OptimizerError`` if the buffer names or lengths do not match this optimizer's
    /// configuration; the optimizer is left unchanged in that case.
    mutating func restore(_ state: OptimizerState) throws(OptimizerError)
}
