/// Which factorization the reference solver uses for linear least squares (and for the Newton
/// systems of logistic/softmax models). `auto` picks the fastest one that is accurate enough and
/// falls back on trouble; the others force one method.
public enum SolverMethod: String, Sendable, CaseIterable {
    case auto
    case cholesky
    case qr
    case svd
}
