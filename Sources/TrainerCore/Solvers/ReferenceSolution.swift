/// The optimum of a training objective found by `ReferenceSolver`, with enough diagnostics to
/// judge how far it can be trusted.
public struct ReferenceSolution: Sendable, Equatable {
    /// θ* in the objective's layout: [W (d×K row-major), b (K, when the model has a bias)].
    public var parameters: [Double]
    /// f(θ*), evaluated by `LinearModelObjective.value` (the same code the trainer uses).
    public var objective: Double
    /// ‖∇f(θ*)‖₂, evaluated by `LinearModelObjective.valueAndGradient`.
    public var gradientNorm: Double
    /// The method that produced θ*: "cholesky", "qr", "svd" (linear) or "newton".
    public var method: String
    /// Newton iterations taken; 0 for the direct (linear) solves.
    public var iterations: Int
    /// Estimate of the reciprocal condition number of the system matrix XᵀX + (mλ/2)I (linear
    /// models only; nil otherwise).
    public var reciprocalCondition: Double?
    /// Human-readable remarks: fallbacks taken and why, rank deficiency, and so on.
    public var notes: [String]
    /// Eigenvalues of the Hessian (linear models whose solve formed XᵀX, i.e. Cholesky was
    /// tried; nil otherwise): the same numbers as `ReferenceSolver.spectrum`, from the XᵀX and
    /// column sums the solve already has, so callers need no second pass over the data.
    public var hessianSpectrum: HessianSpectrum?

    public init(
        parameters: [Double], objective: Double, gradientNorm: Double, method: String,
        iterations: Int, reciprocalCondition: Double?, notes: [String], hessianSpectrum: HessianSpectrum? = nil
    ) {
        self.hessianSpectrum = hessianSpectrum
        self.parameters = parameters
        self.objective = objective
        self.gradientNorm = gradientNorm
        self.method = method
        self.iterations = iterations
        self.reciprocalCondition = reciprocalCondition
        self.notes = notes
    }
}
