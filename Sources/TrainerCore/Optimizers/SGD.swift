/// Stochastic gradient descent with optional (Nesterov) momentum, as `torch.optim.SGD`.
///
/// ```
/// input: η (lr), θ₀ (params), μ (momentum), τ (dampening), nesterov
/// for t = 1, 2, …:
///     g ← gₜ                                  (finished gradient from the caller)
///     if μ ≠ 0:
///         if t = 1:  b ← g                    (no dampening on the first step)
///         else:      b ← μ·b + (1 − τ)·g
///         if nesterov: g ← g + μ·b
///         else:        g ← b
///     θ ← θ − η·g
/// ```
///
/// There is no `weight_decay` term: L2 penalties belong in the loss, where the bias can be
/// excluded explicitly (see docs/optimizers.md). `weightCount` is accepted anyway so every
/// optimizer is constructed from the same parameter layout.
///
/// Arithmetic mirrors PyTorch's single-tensor CPU path operation by operation
/// (`buf.mul_(μ).add_(g, alpha=1−τ)`, `g.add(buf, alpha=μ)`, `param.add_(g, alpha=−lr)`), each
/// rounded separately; PyTorch's vectorised kernels may fuse the multiply-add, so the very last
/// bit can differ from a real PyTorch run.
public struct SGD: Optimizer {
    /// Total number of parameters (weights then biases).
    public let parameterCount: Int
    /// Number of leading entries that are weights. Unused by SGD; kept for a uniform layout.
    public let weightCount: Int
    /// Momentum factor μ; 0 disables the momentum buffer entirely.
    public let momentum: Double
    /// Dampening τ applied to the gradient in the momentum update after the first step.
    public let dampening: Double
    /// Whether to use Nesterov momentum (requires μ > 0 and τ = 0, as PyTorch does).
    public let nesterov: Bool

    public private(set) var stepCount: Int = 0
    /// b: the momentum buffer; empty when μ = 0 so plain SGD carries no state.
    private var momentumBuffer: [Double]

    private static let bufferName = "momentum_buffer"

    /// Creates SGD for `parameterCount` parameters whose first `weightCount` are weights.
    ///
    /// Preconditions (PyTorch raises `ValueError` for the same cases): counts are consistent,
    /// μ ≥ 0, τ is finite, and Nesterov is only used with μ > 0 and τ = 0.
    public init(
        parameterCount: Int, weightCount: Int,
        momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false
    ) {
        precondition(parameterCount >= 0 && (0...parameterCount).contains(weightCount),
                     "SGD: weightCount \(weightCount) outside 0...\(parameterCount)")
        precondition(momentum >= 0 && momentum.isFinite, "SGD: invalid momentum \(momentum)")
        precondition(dampening.isFinite, "SGD: invalid dampening \(dampening)")
        precondition(!nesterov || (momentum > 0 && dampening == 0),
                     "SGD: Nesterov momentum requires a momentum and zero dampening")
        self.parameterCount = parameterCount
        self.weightCount = weightCount
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.momentumBuffer = momentum != 0 ? [Double](repeating: 0, count: parameterCount) : []
    }

    public mutating func step(parameters: inout [Double], gradient: [Double], lr: Double) {
        precondition(parameters.count == parameterCount && gradient.count == parameterCount,
                     "SGD: expected \(parameterCount) parameters and gradient entries")
        let n = parameterCount

        guard momentum != 0 else {
            parameters.withUnsafeMutableBufferPointer { theta in
                gradient.withUnsafeBufferPointer { g in
                    for i in 0..<n { theta[i] -= lr * g[i] }
                }
            }
            stepCount += 1
            return
        }

        let mu = momentum
        // PyTorch computes `1 - dampening` once as a Python float; so do we.
        let oneMinusDampening = 1 - dampening
        // PyTorch's buffer is `None` until the first step, which clones g instead of decaying.
        let isFirstStep = stepCount == 0
        let nesterov = self.nesterov
        parameters.withUnsafeMutableBufferPointer { theta in
            gradient.withUnsafeBufferPointer { g in
                momentumBuffer.withUnsafeMutableBufferPointer { b in
                    for i in 0..<n {
                        let gi = g[i]
                        let bi = isFirstStep ? gi : b[i] * mu + oneMinusDampening * gi
                        b[i] = bi
                        let direction = nesterov ? gi + mu * bi : bi
                        theta[i] -= lr * direction
                    }
                }
            }
        }
        stepCount += 1
    }

    public func state() -> OptimizerState {
        OptimizerState(
            stepCount: stepCount,
            buffers: momentum != 0 ? [Self.bufferName: momentumBuffer] : [:])
    }

    public mutating func restore(_ state: OptimizerState) throws(OptimizerError) {
        let names = momentum != 0 ? [Self.bufferName] : []
        try state.validate(names: names, count: parameterCount)
        stepCount = state.stepCount
        if momentum != 0 { momentumBuffer = state.buffers[Self.bufferName]! }
    }
}
