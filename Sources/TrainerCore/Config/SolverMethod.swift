/// How the closed-form reference solves least squares.
public enum SolverMethod: String, Equatable, Sendable, CaseIterable {
    /// Let the solver pick.
    case auto
    /// Normal equations with a Cholesky factorization.
    case cholesky
    /// QR factorization.
    case qr
    /// Singular value decomposition.
    case svd
}
