/// Reference solver settings (`solver.*`).
public struct SolverConfig: Equatable, Sendable {
    /// Least-squares method (`solver.method`).
    public var method: SolverMethod
    /// Iteration limit of iterative solvers (`solver.max_iterations`), >= 1.
    public var maxIterations: Int
    /// Convergence tolerance (`solver.tolerance`), > 0.
    public var tolerance: Double

    /// Creates a solver section with every field given.
    public init(method: SolverMethod, maxIterations: Int, tolerance: Double) {
        self.method = method
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Every field at its schema default.
    public static let defaults = ConfigDefaults.section { resolved throws(ConfigError) in try SolverConfig(resolved: resolved) }
}
