/// Why `ReferenceSolver` could not produce a reference optimum.
public enum SolverError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The objective has no minimiser (e.g. separable classes with `model.l2 = 0`).
    case noOptimum(String)
    /// The exact Hessian would exceed the documented size limit.
    case tooLarge(String)
    /// Newton's method did not reach the gradient tolerance within the iteration budget.
    case notConverged(iterations: Int, gradientNorm: Double)
    /// A LAPACK/BLAS call failed in a way no fallback could absorb.
    case linearAlgebra(LinearAlgebraError)
    /// The problem is outside what a smooth reference solver can handle (e.g. `model.l1 > 0`).
    case unsupported(String)
    /// The data cannot define the objective (no rows, non-finite values, labels out of range).
    case invalidData(String)

    public var description: String {
        switch self {
        case .noOptimum(let reason):
            return "no optimum: \(reason)"
        case .tooLarge(let reason):
            return "reference solver: problem too large: \(reason)"
        case .notConverged(let iterations, let gradientNorm):
            return "reference solver did not converge after \(iterations) iterations (‖∇f‖ = \(gradientNorm))"
        case .linearAlgebra(let error):
            return "reference solver: \(error)"
        case .unsupported(let reason):
            return "reference solver unsupported: \(reason)"
        case .invalidData(let reason):
            return "reference solver: invalid data: \(reason)"
        }
    }
}
