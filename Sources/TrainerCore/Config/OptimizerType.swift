/// Which optimizer updates the weights.
public enum OptimizerType: String, Equatable, Sendable, CaseIterable {
    /// Stochastic gradient descent, optionally with (Nesterov) momentum.
    case sgd
    /// Adam (Kingma & Ba), optionally AMSGrad.
    case adam
    /// Adam with decoupled weight decay (`optimizer.weight_decay`).
    case adamw
}
