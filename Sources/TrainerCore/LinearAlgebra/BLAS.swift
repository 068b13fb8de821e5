import CLinearAlgebra
import Dispatch
import Foundation

/// Safe wrappers over exactly the CBLAS calls the product uses.
///
/// Every function checks operand shapes in Swift and throws `LinearAlgebraError.dimensionMismatch`
/// before touching C, so a shape bug can never turn into an out-of-bounds read inside OpenBLAS.
/// All matrices are row-major.
public enum BLAS {
    /// C ← α·op(A)·op(B) + β·C, where op(X) is X or Xᵀ (`dgemm`).
    public static func gemm(
        transposeA: Bool = false, transposeB: Bool = false,
        alpha: Double = 1, _ a: Matrix, _ b: Matrix,
        beta: Double = 0, into c: inout Matrix
    ) throws(LinearAlgebraError) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        guard k == kb, c.rows == m, c.columns == n else {
            throw .dimensionMismatch(
                "gemm: op(A) is \(m)x\(k), op(B) is \(kb)x\(n), C is \(c.rows)x\(c.columns)")
        }
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS would skip the product; scaling by β is all that remains.
            for i in c.values.indices { c.values[i] *= beta }
            return
        }
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(
                        CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k),
                        alpha, pa.baseAddress, Int32(max(a.columns, 1)),
                        pb.baseAddress, Int32(max(b.columns, 1)),
                        beta, pc.baseAddress, Int32(max(c.columns, 1)))
                }
            }
        }
    }

    /// y ← α·op(A)·x + β·y (`dgemv`).
    public static func gemv(
        transpose: Bool = false, alpha: Double = 1, _ a: Matrix, _ x: [Double],
        beta: Double = 0, into y: inout [Double]
    ) throws(LinearAlgebraError) {
        let (m, n) = transpose ? (a.columns, a.rows) : (a.rows, a.columns)
        guard x.count == n, y.count == m else {
            throw .dimensionMismatch("gemv: op(A) is \(m)x\(n), x has \(x.count), y has \(y.count)")
        }
        if m == 0 { return }
        if n == 0 {
            for i in y.indices { y[i] *= beta }
            return
        }
        a.values.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(
                        CblasRowMajor, transpose ? CblasTrans : CblasNoTrans,
                        Int32(a.rows), Int32(a.columns), alpha, pa.baseAddress,
                        Int32(max(a.columns, 1)), px.baseAddress, 1, beta, py.baseAddress, 1)
                }
            }
        }
    }

    /// C ← α·AᵀA + β·C on the upper triangle of the n×n matrix C, A being m×n (`dsyrk`).
    ///
    /// Only the upper triangle of `c` is written; `symmetrizeUpper` mirrors it when a full
    /// matrix is needed.
    public static func syrkTransposed(
        alpha: Double = 1, _ a: Matrix, beta: Double = 0, into c: inout Matrix
    ) throws(LinearAlgebraError) {
        guard c.rows == a.columns, c.columns == a.columns else {
            throw .dimensionMismatch("syrk: A is \(a.rows)x\(a.columns), C is \(c.rows)x\(c.columns)")
        }
        let n = a.columns
        if n == 0 { return }
        if a.rows == 0 {
            for i in c.values.indices { c.values[i] *= beta }
            return
        }
        a.values.withUnsafeBufferPointer { pa in
            c.values.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(a.rows),
                    alpha, pa.baseAddress, Int32(n), beta, pc.baseAddress, Int32(n))
            }
        }
    }

    /// `syrkTransposed` for tall matrices, on every OpenBLAS thread by splitting the rows.
    ///
    /// Why: OpenBLAS's own threading of `dsyrk` splits the small n × n result, not the long
    /// sum, and gained nothing here: XᵀX of 1e6 × 100 took ~400 ms on 2 threads and ~350 ms on
    /// 1. This runs one single-threaded `dsyrk` per thread on a contiguous block of rows (no
    /// copy) and adds the partial results in a fixed order, so the result is deterministic for
    /// a given thread count; ~190 ms on 2 threads. Small or short matrices take the plain call.
    public static func syrkTransposedSplittingRows(_ a: Matrix, into c: inout Matrix) throws(LinearAlgebraError) {
        let threads = configuredThreads
        let m = a.rows, n = a.columns
        guard threads > 1, m >= 4 * threads, m * n * n >= 1 << 26 else {
            return try syrkTransposed(a, into: &c)
        }
        guard c.rows == n, c.columns == n, m <= Int(Int32.max) else {
            throw .dimensionMismatch("syrk: A is \(m)x\(n), C is \(c.rows)x\(c.columns)")
        }
        var partials = [Double](repeating: 0, count: threads * n * n)
        threadLimit.lock()
        openblas_set_num_threads(1)
        defer {
            openblas_set_num_threads(Int32(threads))
            threadLimit.unlock()
        }
        a.values.withUnsafeBufferPointer { pa in
            partials.withUnsafeMutableBufferPointer { pp in
                nonisolated(unsafe) let source = pa.baseAddress!
                nonisolated(unsafe) let target = pp.baseAddress!
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let lo = m * t / threads, hi = m * (t + 1) / threads
                    cblas_dsyrk(
                        CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(hi - lo),
                        1, source + lo * n, Int32(n), 0, target + t * n * n, Int32(n))
                }
            }
        }
        for i in 0..<(n * n) {
            var sum = partials[i]
            for t in 1..<threads { sum += partials[t * n * n + i] }
            c.values[i] = sum
        }
    }

    /// What `gramPass` computes in one read of A (m × n): G = AᵀA (upper triangle only, as
    /// `dsyrk` writes it), the column sums 1ᵀA and, when a vector y was given, Aᵀy.
    public struct GramPass: Sendable {
        /// AᵀA, upper triangle (the strict lower triangle is 0).
        public var gram: Matrix
        /// Σᵢ aᵢⱼ for every column j.
        public var columnSums: [Double]
        /// Aᵀy (empty when no y was given).
        public var product: [Double]
    }

    /// Rows per chunk in `gramPass`: sized so that a chunk (chunkBytes) is still in the core's
    /// L2 cache when `dsyrk` reads it right after the sums loop did.
    /// (96 KB to 768 KB measured the same, ±3 %, on 1e6 × 100; 1.5 MB was 10 % slower.)
    static let gramChunkBytes = 384 * 1024

    /// AᵀA, the column sums and Aᵀy of a tall matrix in one pass over A, on every OpenBLAS
    /// thread (`gram: false` skips AᵀA and gives the column sums and Aᵀy alone).
    ///
    /// Why: the normal equations need all three, and each used to be its own pass over the
    /// 800 MB of a 1e6 × 100 matrix (column sums ~70 ms on one core, Aᵀy ~50 ms, `dsyrk` ~190 ms
    /// on two). Here each thread takes a contiguous block of rows (as in
    /// `syrkTransposedSplittingRows`) and walks it in chunks of ~384 KB: a plain loop adds the
    /// chunk's rows into the sums and Aᵀy, then a single-threaded `dsyrk` (β = 1) adds the same
    /// chunk, still in L2, into the thread's Gram matrix; so the sums cost almost no memory
    /// traffic. Partial results are added in thread order, so the result is deterministic for a
    /// given thread count. The split and the chunking depend only on m, n and the thread count.
    ///
    /// - Throws: `.dimensionMismatch` when y's length is not m or m does not fit BLAS's 32-bit
    ///   integers.
    public static func gramPass(_ a: Matrix, weightedBy y: [Double]? = nil, gram: Bool = true) throws(LinearAlgebraError) -> GramPass {
        let m = a.rows, n = a.columns
        if let y, y.count != m {
            throw .dimensionMismatch("gramPass: A is \(m)x\(n), y has \(y.count)")
        }
        guard m <= Int(Int32.max), n <= Int(Int32.max) else {
            throw .dimensionMismatch("gramPass: A is \(m)x\(n), too large for BLAS")
        }
        let blasThreads = configuredThreads
        let threads = blasThreads > 1 && m >= 4 * blasThreads && m * n >= 1 << 18 ? blasThreads : 1
        let chunk = max(16, gramChunkBytes / (8 * max(n, 1)))
        let weighted = y != nil
        // Per thread: n × n Gram, n sums, n products.
        let stride = (gram ? n * n : 0) + 2 * n
        var partials = [Double](repeating: 0, count: threads * stride)
        if n > 0 && m > 0 {
            threadLimit.lock()
            openblas_set_num_threads(1)
            defer {
                openblas_set_num_threads(Int32(blasThreads))
                threadLimit.unlock()
            }
            let targets = y ?? []
            a.values.withUnsafeBufferPointer { pa in
                targets.withUnsafeBufferPointer { py in
                    partials.withUnsafeMutableBufferPointer { pp in
                        nonisolated(unsafe) let source = pa.baseAddress!
                        nonisolated(unsafe) let weights = py.baseAddress
                        nonisolated(unsafe) let target = pp.baseAddress!
                        let body = { @Sendable (t: Int) in
                            let lo = m * t / threads, hi = m * (t + 1) / threads
                            let g = target + t * stride
                            let sums = g + (gram ? n * n : 0), product = sums + n
                            var start = lo
                            while start < hi {
                                let end = min(start + chunk, hi)
                                if weighted, let w = weights {
                                    for i in start..<end {
                                        let row = source + i * n, yi = w[i]
                                        for j in 0..<n {
                                            let v = row[j]
                                            sums[j] += v
                                            product[j] += v * yi
                                        }
                                    }
                                } else {
                                    for i in start..<end {
                                        let row = source + i * n
                                        for j in 0..<n { sums[j] += row[j] }
                                    }
                                }
                                if gram {
                                    cblas_dsyrk(
                                        CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(end - start),
                                        1, source + start * n, Int32(n), start == lo ? 0 : 1, g, Int32(n))
                                }
                                start = end
                            }
                        }
                        if threads == 1 {
                            body(0)
                        } else {
                            DispatchQueue.concurrentPerform(iterations: threads, execute: body)
                        }
                    }
                }
            }
        }
        var result = GramPass(
            gram: Matrix(rows: gram ? n : 0, columns: gram ? n : 0),
            columnSums: [Double](repeating: 0, count: n),
            product: weighted ? [Double](repeating: 0, count: n) : [])
        let gramCount = gram ? n * n : 0
        for i in 0..<gramCount {
            var sum = partials[i]
            for t in 1..<threads { sum += partials[t * stride + i] }
            result.gram.values[i] = sum
        }
        for j in 0..<n {
            var sum = partials[gramCount + j], dot = partials[gramCount + n + j]
            for t in 1..<threads {
                sum += partials[t * stride + gramCount + j]
                dot += partials[t * stride + gramCount + n + j]
            }
            result.columnSums[j] = sum
            if weighted { result.product[j] = dot }
        }
        return result
    }

    /// Runs `body` with OpenBLAS at one thread, then restores the configured count: for regions
    /// where trainer's own threads call OpenBLAS side by side (`BatchSplitter`), each call must
    /// stay on its caller's core. Serialised with every other region that changes the count.
    static func withSingleThread<T>(_ body: () -> T) -> T {
        let threads = Int32(configuredThreads)
        guard threads > 1 else { return body() }
        threadLimit.lock()
        openblas_set_num_threads(1)
        defer {
            openblas_set_num_threads(threads)
            threadLimit.unlock()
        }
        return body()
    }

    /// Runs `body(0)`, …, `body(count − 1)` on separate threads with OpenBLAS limited to one
    /// thread meanwhile (restored afterwards), so each part's own BLAS calls run on its core
    /// instead of the parts and OpenBLAS's pool competing for the same two. With one OpenBLAS
    /// thread (or `count` ≤ 1) the parts run in order on the calling thread.
    ///
    /// The caller decides the split; the results must not depend on which thread ran a part.
    public static func concurrently(_ count: Int, _ body: @Sendable (Int) -> Void) {
        let threads = Int32(configuredThreads)
        guard count > 1, threads > 1 else {
            for t in 0..<max(count, 0) { body(t) }
            return
        }
        threadLimit.lock()
        openblas_set_num_threads(1)
        defer {
            openblas_set_num_threads(threads)
            threadLimit.unlock()
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// Copies the upper triangle of a square matrix into its lower triangle.
    public static func symmetrizeUpper(_ c: inout Matrix) {
        for i in 0..<c.rows {
            for j in 0..<i { c[i, j] = c[j, i] }
        }
    }

    /// xᵀy (`ddot`).
    public static func dot(_ x: [Double], _ y: [Double]) throws(LinearAlgebraError) -> Double {
        guard x.count == y.count else {
            throw .dimensionMismatch("dot: x has \(x.count), y has \(y.count)")
        }
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                cblas_ddot(Int32(x.count), px.baseAddress, 1, py.baseAddress, 1)
            }
        }
    }

    /// y ← α·x + y (`daxpy`).
    public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) throws(LinearAlgebraError) {
        guard x.count == y.count else {
            throw .dimensionMismatch("axpy: x has \(x.count), y has \(y.count)")
        }
        if x.isEmpty { return }
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                cblas_daxpy(Int32(x.count), alpha, px.baseAddress, 1, py.baseAddress, 1)
            }
        }
    }

    /// ‖x‖₂ (`dnrm2`, which scales to avoid overflow and underflow).
    public static func nrm2(_ x: [Double]) -> Double {
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { px in cblas_dnrm2(Int32(x.count), px.baseAddress, 1) }
    }

    /// ‖x‖₂ of a slice of a contiguous array.
    public static func nrm2(_ x: ArraySlice<Double>) -> Double {
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { px in cblas_dnrm2(Int32(x.count), px.baseAddress, 1) }
    }

    /// The number of threads OpenBLAS uses (recorded with every run for reproducibility).
    public static var threadCount: Int { configuredThreads }

    /// OpenBLAS's thread count as configured when the process started (OPENBLAS_NUM_THREADS or
    /// the core count), read once. The row-splitting functions decide their split from this,
    /// never from the live value, which they themselves lower to 1 while they run: a split
    /// read from the live value could differ between two calls made while another thread is
    /// inside one of them (tests run concurrently), and a different split sums in a different
    /// order — different bits.
    static let configuredThreads = Int(openblas_get_num_threads())

    /// Serialises the regions that lower OpenBLAS to one thread and restore it: the setting is
    /// process-wide, so two overlapping regions would restore it under each other. trainer
    /// itself calls BLAS from one thread; the lock matters when tests run in parallel.
    static let threadLimit = NSLock()

    /// OpenBLAS's build configuration string, including the kernel it selected (e.g. "Prescott").
    public static var configuration: String {
        guard let c = openblas_get_config() else { return "unknown" }
        return String(cString: c)
    }

    /// The CPU kernel family OpenBLAS selected at load time.
    public static var coreName: String {
        guard let c = openblas_get_corename() else { return "unknown" }
        return String(cString: c)
    }

    /// The LAPACK version LAPACKE links against, e.g. "3.11.0".
    public static var lapackVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        LAPACKE_ilaver(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}

// MARK: - Buffer variants for allocation-free hot paths

extension BLAS {
    /// C ← α·op(A)·op(B) + β·C on raw row-major buffers with explicit leading dimensions, so a
    /// caller can multiply a block of rows of a larger matrix, or a preallocated workspace,
    /// without building a `Matrix` (which would allocate) for every mini-batch.
    ///
    /// op(A) is m×k, op(B) is k×n, C is m×n. Every dimension, leading dimension and buffer length
    /// is checked before OpenBLAS is called, exactly as in the `Matrix` variant.
    static func gemm(
        transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
        alpha: Double = 1, _ a: UnsafeBufferPointer<Double>, lda: Int,
        _ b: UnsafeBufferPointer<Double>, ldb: Int,
        beta: Double = 0, into c: UnsafeMutableBufferPointer<Double>, ldc: Int
    ) throws(LinearAlgebraError) {
        // Stored shapes (row-major): A is m×k or k×m, B is k×n or n×k.
        let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
        let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
        try validate(a.count, rows: aRows, columns: aColumns, ld: lda, name: "gemm A")
        try validate(b.count, rows: bRows, columns: bColumns, ld: ldb, name: "gemm B")
        try validate(c.count, rows: m, columns: n, ld: ldc, name: "gemm C")
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        singleThreadedIfSmall(work: m * n * k) {
            cblas_dgemm(
                CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a.baseAddress, Int32(lda), b.baseAddress, Int32(ldb),
                beta, c.baseAddress, Int32(ldc))
        }
    }

    /// Products below this many multiply-adds run on one OpenBLAS thread.
    static let smallProductWork = 1 << 20

    /// Runs `body` with OpenBLAS limited to one thread when `work` is small, then restores the
    /// thread count.
    ///
    /// Why: OpenBLAS splits a 256×100 `dgemv` between threads (its threshold is ~9,000
    /// elements), and the hand-off costs more than the product; on this shared 2-core machine a
    /// logistic epoch measured 2.8–3.0 s with 2 threads against 0.63–0.65 s with 1 (BENCHMARKS.md).
    /// Large products (solvers, `dsyrk`) keep every thread. The count is a process-wide setting
    /// of OpenBLAS; trainer issues BLAS calls from one thread, so changing it around a call is
    /// safe, and with OpenBLAS built without affinity (Debian's) lowering and restoring it only
    /// writes a variable. Results stay deterministic: the same sizes always take the same path.
    @inline(__always)
    static func singleThreadedIfSmall(work: Int, _ body: () -> Void) {
        let threads = openblas_get_num_threads()
        guard threads > 1, work < smallProductWork else { return body() }
        openblas_set_num_threads(1)
        body()
        openblas_set_num_threads(threads)
    }

    /// y ← α·op(A)·x + β·y on raw buffers, A being the row-major `rows`×`columns` matrix with
    /// leading dimension `lda` (`dgemv`). Shapes and lengths are checked before the C call.
    static func gemv(
        transpose: Bool = false, rows: Int, columns: Int, alpha: Double = 1,
        _ a: UnsafeBufferPointer<Double>, lda: Int, _ x: UnsafeBufferPointer<Double>,
        beta: Double = 0, into y: UnsafeMutableBufferPointer<Double>
    ) throws(LinearAlgebraError) {
        try validate(a.count, rows: rows, columns: columns, ld: lda, name: "gemv A")
        let (xCount, yCount) = transpose ? (rows, columns) : (columns, rows)
        guard x.count >= xCount, y.count >= yCount else {
            throw .dimensionMismatch("gemv: op(A) needs x of \(xCount) and y of \(yCount), got \(x.count) and \(y.count)")
        }
        if yCount == 0 { return }
        if xCount == 0 {
            for i in 0..<yCount { y[i] *= beta }
            return
        }
        singleThreadedIfSmall(work: rows * columns) {
            cblas_dgemv(
                CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(columns), alpha,
                a.baseAddress, Int32(lda), x.baseAddress, 1, beta, y.baseAddress, 1)
        }
    }

    /// Checks that a row-major `rows`×`columns` operand with leading dimension `ld` fits in a
    /// buffer of `count` elements and that every size fits BLAS's 32-bit integers.
    private static func validate(_ count: Int, rows: Int, columns: Int, ld: Int, name: String) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, ld >= max(columns, 1), rows <= Int(Int32.max), ld <= Int(Int32.max) else {
            throw .dimensionMismatch("\(name): \(rows)x\(columns) with leading dimension \(ld)")
        }
        let needed = rows == 0 || columns == 0 ? 0 : (rows - 1) * ld + columns
        guard count >= needed else {
            throw .dimensionMismatch("\(name): \(rows)x\(columns) (ld \(ld)) needs \(needed) values, buffer has \(count)")
        }
    }
}
