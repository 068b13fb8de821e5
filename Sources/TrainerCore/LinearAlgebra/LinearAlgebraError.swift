/// Errors raised by the safe BLAS/LAPACK layer. Dimensions are validated in Swift before any C
/// call, because LAPACK reports bad arguments by printing to stdout rather than returning.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Operand shapes do not agree; the message says which call and which shapes.
    case dimensionMismatch(String)
    /// A LAPACK routine rejected argument number `argument` (negative `info`): a bug in this layer.
    case invalidArgument(routine: String, argument: Int)
    /// Cholesky found the leading minor of order `order` not positive definite.
    case notPositiveDefinite(order: Int)
    /// A triangular or LU factor is exactly singular at `index` (1-based, LAPACK's `info`).
    case singular(routine: String, index: Int)
    /// An iterative LAPACK routine (SVD, eigenvalues) did not converge; `info` is LAPACK's code.
    case noConvergence(routine: String, info: Int)

    public var description: String {
        switch self {
        case .dimensionMismatch(let message):
            return "dimension mismatch: \(message)"
        case .invalidArgument(let routine, let argument):
            return "\(routine): argument \(argument) was invalid"
        case .notPositiveDefinite(let order):
            return "matrix is not positive definite (leading minor of order \(order))"
        case .singular(let routine, let index):
            return "\(routine): matrix is singular (zero pivot at \(index))"
        case .noConvergence(let routine, let info):
            return "\(routine): did not converge (info = \(info))"
        }
    }
}
