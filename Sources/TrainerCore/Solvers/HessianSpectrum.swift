/// Eigenvalues of the (constant) Hessian of a linear model's MSE objective, which decide how
/// fast and with which step sizes gradient descent converges on it.
public struct HessianSpectrum: Sendable, Equatable {
    /// Largest eigenvalue λmax (the curvature that limits the learning rate).
    public var lambdaMax: Double
    /// Smallest eigenvalue λmin (0 or slightly negative from rounding when X̃ is rank deficient).
    public var lambdaMin: Double
    /// λmax / λmin, or +∞ when λmin ≤ 0.
    public var conditionNumber: Double
    /// 2/λmax: gradient descent with a constant step η converges iff η < 2/λmax.
    public var maxStableLearningRate: Double
    /// All eigenvalues, ascending.
    public var eigenvalues: [Double]

    public init(eigenvalues: [Double]) {
        let sorted = eigenvalues.sorted()
        self.eigenvalues = sorted
        self.lambdaMax = sorted.last ?? 0
        self.lambdaMin = sorted.first ?? 0
        self.conditionNumber = lambdaMin > 0 ? lambdaMax / lambdaMin : .infinity
        self.maxStableLearningRate = lambdaMax > 0 ? 2 / lambdaMax : .infinity
    }
}
