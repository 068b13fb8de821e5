import CLinearAlgebra
import Dispatch

extension BLAS {
    /// Rows of A scaled into a buffer per `dsyrk` call by `scaledGrams` (1.6 MB at 100 columns).
    /// Softmax Newton solve on 100,000 × 100, K = 10: 4.9–5.0 s with 128 rows, 5.2–5.4 s with
    /// 512, 4.6–4.8 s with 2048, 5.0 s with 8192 (each call packs its block, so longer blocks
    /// amortise the call but leave the caches).
    static let scaledGramBlockRows = 2048

    /// For each weight set s: G_s = ±Σᵢ (rᵢₛ·aᵢ)(rᵢₛ·aᵢ)ᵀ = ±Σᵢ rᵢₛ²·aᵢaᵢᵀ over the rows aᵢ of A
    /// (m × n), with rᵢₛ = `root(i, s)` ≥ 0 and the sign − where `negative[s]`: weighted Gram
    /// matrices whose weights have a known sign. Only the upper triangles are filled, as
    /// `dsyrk` writes them. With `appendingOnes`, each row is taken as [aᵢ, 1] (the Gram
    /// matrices are (n + 1) × (n + 1)): the same numbers as passing a copy of A with a ones
    /// column, without that copy (808 MB at 1e6 × 100, whose fresh pages cost more than the
    /// copying on this project's VMs; Benchmarks/NOTES.md, round 10).
    ///
    /// Why: the Newton Hessian of softmax regression is K(K+1)/2 such matrices, one per class
    /// pair (55 for K = 10), and it used to scale a whole copy of A per pair (800 MB at
    /// 1e6 × 100) and multiply it with `dgemm`: ~17 s per Newton iteration there. This reads A
    /// once, in blocks of `scaledGramBlockRows` rows split between the cores (like
    /// `syrkTransposedSplittingRows`, one single-threaded `dsyrk` per block and set, which does
    /// half a `dgemm`'s work on a symmetric result), and adds the cores' partial sums in a fixed
    /// order, so the result is deterministic for a given thread count (measured in
    /// Benchmarks/NOTES.md, round 8).
    public static func scaledGrams(
        _ a: Matrix, appendingOnes: Bool = false, negative: [Bool], root: @Sendable (_ row: Int, _ set: Int) -> Double
    ) throws(LinearAlgebraError) -> [Matrix] {
        let m = a.rows, columns = a.columns, n = columns + (appendingOnes ? 1 : 0), sets = negative.count
        guard m <= Int(Int32.max), n <= Int(Int32.max) else {
            throw .dimensionMismatch("scaledGrams: A is \(m)x\(n), too large for BLAS")
        }
        guard sets > 0, n > 0 else { return [Matrix](repeating: Matrix(rows: n, columns: n), count: sets) }
        let blockRows = scaledGramBlockRows
        let blocks = (m + blockRows - 1) / blockRows
        let parts = max(1, min(configuredThreads, blocks))
        let gram = n * n
        var partials = [Double](repeating: 0, count: parts * sets * gram)
        a.values.withUnsafeBufferPointer { pa in
            partials.withUnsafeMutableBufferPointer { pp in
                nonisolated(unsafe) let source = pa.baseAddress!
                nonisolated(unsafe) let target = pp.baseAddress!
                concurrently(parts) { t in
                    // Whole blocks per part, so where a block starts depends on the shape only.
                    let first = blocks * t / parts, last = blocks * (t + 1) / parts
                    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * n)
                    defer { buffer.deallocate() }
                    for block in first..<last {
                        let start = block * blockRows
                        let rows = min(blockRows, m - start)
                        for s in 0..<sets {
                            for i in 0..<rows {
                                let r = root(start + i, s)
                                let row = source + (start + i) * columns, scaled = buffer + i * n
                                for j in 0..<columns { scaled[j] = row[j] * r }
                                if appendingOnes { scaled[columns] = r }
                            }
                            cblas_dsyrk(
                                CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(rows),
                                negative[s] ? -1 : 1, buffer, Int32(n), 1, target + (t * sets + s) * gram, Int32(n))
                        }
                    }
                }
            }
        }
        var result: [Matrix] = []
        result.reserveCapacity(sets)
        for s in 0..<sets {
            var g = Matrix(rows: n, columns: n)
            for i in 0..<gram {
                var sum = partials[s * gram + i]
                for t in 1..<parts { sum += partials[(t * sets + s) * gram + i] }
                g.values[i] = sum
            }
            result.append(g)
        }
        return result
    }
}
