import CLinearAlgebra

/// Safe wrappers over exactly the LAPACKE calls the reference solvers use.
///
/// LAPACK reports a bad argument by printing to stdout and returning a negative `info`, so every
/// wrapper validates shapes (and finiteness: LAPACKE's own NaN check would report the matrix as
/// an invalid argument) in Swift before calling C, and turns `info` into `LinearAlgebraError`.
///
/// Symmetric matrices are passed with `LAPACK_COL_MAJOR` and `uplo = 'L'`: a symmetric matrix
/// has the same bytes in both layouts, so no transposed copy is needed, and the column-major
/// lower triangle is the row-major *upper* triangle — the one `BLAS.syrkTransposed` fills. Only
/// that triangle is read. General (rectangular) matrices use `LAPACK_ROW_MAJOR`, which LAPACKE
/// implements by transposing into a scratch buffer; the problems here are small enough for that.
public enum LAPACK {
    // LAPACKE's layout constants, spelled out so this file does not depend on macro import.
    static let rowMajor: Int32 = 101
    static let columnMajor: Int32 = 102
    static let lower = CChar(UInt8(ascii: "L"))
    static let upper = CChar(UInt8(ascii: "U"))

    /// A Cholesky factorization A = LLᵀ produced by `potrf`, ready for `potrs` and `pocon`.
    public struct CholeskyFactor: Sendable, Equatable {
        /// Order n of A.
        public let order: Int
        /// The 1-norm ‖A‖₁ of the factored matrix, which `pocon` needs and which can no longer
        /// be computed once A is overwritten by its factor.
        public let norm1: Double
        /// Column-major lower factor L (bytes as LAPACK left them; the other triangle is stale).
        let storage: [Double]
    }

    /// ‖A‖₁ of a symmetric matrix from its row-major upper triangle (`dlansy`, norm '1').
    public static func lansyOneNorm(_ a: Matrix) throws(LinearAlgebraError) -> Double {
        try validateSymmetricShape(a, routine: "dlansy")
        if a.rows == 0 { return 0 }
        return a.values.withUnsafeBufferPointer { pa in
            LAPACKE_dlansy(columnMajor, CChar(UInt8(ascii: "1")), lower, Int32(a.rows), pa.baseAddress, Int32(a.rows))
        }
    }

    /// Cholesky factorization of a symmetric positive definite matrix (`dpotrf`).
    ///
    /// Reads the row-major upper triangle of `a`. Throws `.notPositiveDefinite(order:)` with the
    /// order of the first leading minor that is not positive definite.
    public static func potrf(_ a: Matrix) throws(LinearAlgebraError) -> CholeskyFactor {
        let norm = try lansyOneNorm(a)
        let n = a.rows
        var storage = a.values
        if n == 0 { return CholeskyFactor(order: 0, norm1: 0, storage: storage) }
        let info = storage.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf(columnMajor, lower, Int32(n), p.baseAddress, Int32(n))
        }
        try check(info, routine: "dpotrf") { .notPositiveDefinite(order: $0) }
        return CholeskyFactor(order: n, norm1: norm, storage: storage)
    }

    /// Solves A x = b with a Cholesky factor from `potrf` (`dpotrs`).
    public static func potrs(_ factor: CholeskyFactor, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        guard b.count == factor.order else {
            throw .dimensionMismatch("dpotrs: factor is \(factor.order)x\(factor.order), b has \(b.count)")
        }
        try requireFinite(b, routine: "dpotrs", argument: 7)
        if factor.order == 0 { return [] }
        var x = b
        let n = Int32(factor.order)
        let info = factor.storage.withUnsafeBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                // One right-hand side: a vector is the same in both layouts, ldb = n.
                LAPACKE_dpotrs(columnMajor, lower, n, 1, pa.baseAddress, n, px.baseAddress, n)
            }
        }
        try check(info, routine: "dpotrs") { .singular(routine: "dpotrs", index: $0) }
        return x
    }

    /// Estimate of the reciprocal 1-norm condition number 1/(‖A‖₁‖A⁻¹‖₁) of the factored matrix
    /// (`dpocon`). 0 means singular to working precision.
    public static func pocon(_ factor: CholeskyFactor) throws(LinearAlgebraError) -> Double {
        if factor.order == 0 { return 1 }
        var rcond = 0.0
        let n = Int32(factor.order)
        let info = factor.storage.withUnsafeBufferPointer { pa in
            LAPACKE_dpocon(columnMajor, lower, n, pa.baseAddress, n, factor.norm1, &rcond)
        }
        try check(info, routine: "dpocon") { .noConvergence(routine: "dpocon", info: $0) }
        return rcond
    }

    /// Least squares min ‖A x − b‖₂ (m ≥ n) or minimum-norm solution of A x = b (m < n) by QR/LQ
    /// (`dgels`), plus an estimate of the reciprocal 1-norm condition number of the triangular
    /// factor (`dtrcon`), which equals that of A up to a modest factor.
    ///
    /// `dgels` assumes full rank and only fails on an exactly zero diagonal of R
    /// (`.singular(routine: "dgels", index:)`); callers use `reciprocalCondition` to detect
    /// numerical rank deficiency.
    public static func gels(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> (solution: [Double], reciprocalCondition: Double) {
        let m = a.rows, n = a.columns
        guard b.count == m else {
            throw .dimensionMismatch("dgels: A is \(m)x\(n), b has \(b.count)")
        }
        try requireInt32(m, n, routine: "dgels")
        try requireFinite(a.values, routine: "dgels", argument: 6)
        try requireFinite(b, routine: "dgels", argument: 8)
        if n == 0 { return ([], 1) }
        if m == 0 { return ([Double](repeating: 0, count: n), 1) }
        var factor = a.values
        // b must have max(m, n) rows: the solution (n entries) is written over it.
        var x = b + [Double](repeating: 0, count: max(0, n - m))
        let info = factor.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                LAPACKE_dgels(rowMajor, CChar(UInt8(ascii: "N")), Int32(m), Int32(n), 1,
                              pa.baseAddress, Int32(n), px.baseAddress, 1)
            }
        }
        try check(info, routine: "dgels") { .singular(routine: "dgels", index: $0) }
        // R is the upper triangle of the leading n×n block (m ≥ n); L the lower m×m one (m < n).
        let order = min(m, n)
        var rcond = 0.0
        let conInfo = factor.withUnsafeBufferPointer { pa in
            LAPACKE_dtrcon(rowMajor, CChar(UInt8(ascii: "1")), m >= n ? upper : lower,
                           CChar(UInt8(ascii: "N")), Int32(order), pa.baseAddress, Int32(n), &rcond)
        }
        try check(conInfo, routine: "dtrcon") { .noConvergence(routine: "dtrcon", info: $0) }
        return (Array(x[0..<n]), rcond)
    }

    /// Minimum-norm least squares solution of A x ≈ b by the SVD (`dgelsd`), treating singular
    /// values σᵢ ≤ `rcond`·σ₁ as zero. Returns the effective rank and the singular values
    /// (descending).
    public static func gelsd(_ a: Matrix, _ b: [Double], rcond: Double) throws(LinearAlgebraError) -> (solution: [Double], rank: Int, singularValues: [Double]) {
        let m = a.rows, n = a.columns
        guard b.count == m else {
            throw .dimensionMismatch("dgelsd: A is \(m)x\(n), b has \(b.count)")
        }
        try requireInt32(m, n, routine: "dgelsd")
        try requireFinite(a.values, routine: "dgelsd", argument: 5)
        try requireFinite(b, routine: "dgelsd", argument: 7)
        guard rcond.isFinite else { throw .invalidArgument(routine: "dgelsd", argument: 10) }
        if n == 0 { return ([], 0, []) }
        if m == 0 { return ([Double](repeating: 0, count: n), 0, []) }
        var work = a.values
        var x = b + [Double](repeating: 0, count: max(0, n - m))
        var singularValues = [Double](repeating: 0, count: min(m, n))
        var rank: Int32 = 0
        let info = work.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                singularValues.withUnsafeMutableBufferPointer { ps in
                    LAPACKE_dgelsd(rowMajor, Int32(m), Int32(n), 1, pa.baseAddress, Int32(n),
                                   px.baseAddress, 1, ps.baseAddress, rcond, &rank)
                }
            }
        }
        try check(info, routine: "dgelsd") { .noConvergence(routine: "dgelsd", info: $0) }
        return (Array(x[0..<n]), Int(rank), singularValues)
    }

    /// Eigenvalues (ascending) and optionally eigenvectors of a symmetric matrix, read from its
    /// row-major upper triangle (`dsyevd`, divide and conquer).
    ///
    /// When `vectors` is true, column j of the returned matrix is the unit eigenvector of
    /// eigenvalue j.
    public static func syevd(_ a: Matrix, vectors: Bool = false) throws(LinearAlgebraError) -> (values: [Double], vectors: Matrix?) {
        try validateSymmetricShape(a, routine: "dsyevd")
        let n = a.rows
        if n == 0 { return ([], vectors ? Matrix(rows: 0, columns: 0) : nil) }
        var storage = a.values
        var values = [Double](repeating: 0, count: n)
        let info = storage.withUnsafeMutableBufferPointer { pa in
            values.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(columnMajor, CChar(UInt8(ascii: vectors ? "V" : "N")), lower,
                               Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        try check(info, routine: "dsyevd") { .noConvergence(routine: "dsyevd", info: $0) }
        guard vectors else { return (values, nil) }
        // Column-major eigenvectors read as row-major have one eigenvector per row: transpose.
        let rowsAreVectors = try Matrix(rows: n, columns: n, values: storage)
        return (values, rowsAreVectors.transposed())
    }

    // MARK: - Validation

    private static func validateSymmetricShape(_ a: Matrix, routine: String) throws(LinearAlgebraError) {
        guard a.rows == a.columns else {
            throw .dimensionMismatch("\(routine): matrix is \(a.rows)x\(a.columns), expected square")
        }
        try requireInt32(a.rows, a.columns, routine: routine)
        // Only the triangle LAPACK reads must be finite; checking all of it is simpler and the
        // other triangle is either a mirror or zeros.
        try requireFinite(a.values, routine: routine, argument: 5)
    }

    private static func requireInt32(_ m: Int, _ n: Int, routine: String) throws(LinearAlgebraError) {
        guard m <= Int(Int32.max), n <= Int(Int32.max), m * n <= Int(Int32.max) else {
            throw .dimensionMismatch("\(routine): \(m)x\(n) exceeds 32-bit LAPACK indexing")
        }
    }

    /// LAPACKE's own NaN check reports a non-finite matrix as an invalid argument; do the same in
    /// Swift so nothing is printed and infinities (which LAPACKE lets through) are caught too.
    private static func requireFinite(_ values: [Double], routine: String, argument: Int) throws(LinearAlgebraError) {
        for v in values where !v.isFinite {
            throw .invalidArgument(routine: routine, argument: argument)
        }
    }

    /// Maps LAPACK's `info`: 0 is success, negative is a bad argument (a bug here, since shapes
    /// are validated), positive is the routine-specific failure built by `positive`.
    private static func check(
        _ info: Int32, routine: String, positive: (Int) -> LinearAlgebraError
    ) throws(LinearAlgebraError) {
        if info == 0 { return }
        if info < 0 { throw .invalidArgument(routine: routine, argument: Int(-info)) }
        throw positive(Int(info))
    }
}
