/// Optimizer settings (`optimizer.*`). Fields that do not apply to `type` are ignored by it.
public struct OptimizerConfig: Equatable, Sendable {
    /// Algorithm (`optimizer.type`).
    public var type: OptimizerType
    /// Base learning rate (`optimizer.lr`), > 0.
    public var lr: Double
    /// SGD momentum (`optimizer.momentum`), in [0, 1).
    public var momentum: Double
    /// SGD dampening (`optimizer.dampening`), in [0, 1).
    public var dampening: Double
    /// Nesterov momentum (`optimizer.nesterov`); requires momentum > 0 and dampening == 0.
    public var nesterov: Bool
    /// Adam first-moment decay (`optimizer.beta1`), in [0, 1).
    public var beta1: Double
    /// Adam second-moment decay (`optimizer.beta2`), in [0, 1).
    public var beta2: Double
    /// Adam denominator term (`optimizer.eps`), > 0.
    public var eps: Double
    /// AMSGrad variant (`optimizer.amsgrad`).
    public var amsgrad: Bool
    /// AdamW decoupled weight decay (`optimizer.weight_decay`), >= 0.
    public var weightDecay: Double

    /// Creates an optimizer section with every field given.
    public init(type: OptimizerType, lr: Double, momentum: Double, dampening: Double, nesterov: Bool, beta1: Double, beta2: Double, eps: Double, amsgrad: Bool, weightDecay: Double) {
        self.type = type
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.amsgrad = amsgrad
        self.weightDecay = weightDecay
    }

    /// Every field at its schema default.
    public static let defaults = ConfigDefaults.section { resolved throws(ConfigError) in try OptimizerConfig(resolved: resolved) }
}
