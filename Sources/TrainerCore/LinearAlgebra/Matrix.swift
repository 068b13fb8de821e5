/// A dense row-major matrix of `Double`s.
///
/// Row-major because CSV rows arrive that way and mini-batches are contiguous row ranges;
/// every BLAS call in `BLAS` is issued with `CblasRowMajor`.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Row-major storage: element (i, j) is `values[i * columns + j]`.
    public var values: [Double]

    /// A `rows` × `columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.values = Array(repeating: value, count: rows * columns)
    }

    /// Wraps existing row-major storage; fails if the count does not match.
    public init(rows: Int, columns: Int, values: [Double]) throws(LinearAlgebraError) {
        guard rows >= 0, columns >= 0, values.count == rows * columns else {
            throw .dimensionMismatch("Matrix(\(rows)x\(columns)) needs \(rows * columns) values, got \(values.count)")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A `rows` × `columns` matrix whose storage `initialize` writes in full, with no fill
    /// before it: for large matrices about to be overwritten, where a zero fill would be one
    /// more pass over fresh memory. `initialize` must write every element.
    init(rows: Int, columns: Int, initializingWith initialize: (UnsafeMutableBufferPointer<Double>) -> Void) {
        precondition(rows >= 0 && columns >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.values = [Double](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            initialize(UnsafeMutableBufferPointer(rebasing: buffer[0..<(rows * columns)]))
            count = rows * columns
        }
    }

    /// Wraps `values`, whose count the caller has made `rows * columns`: for storage handed
    /// over from another matrix, which must not be copied (see `Standardizer.transformRows`).
    init(rows: Int, columns: Int, handingOver values: [Double]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "Matrix storage must match its dimensions")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from an array of equally long rows.
    public init(rowArrays: [[Double]]) throws(LinearAlgebraError) {
        let columns = rowArrays.first?.count ?? 0
        var values: [Double] = []
        values.reserveCapacity(rowArrays.count * columns)
        for (index, row) in rowArrays.enumerated() {
            guard row.count == columns else {
                throw .dimensionMismatch("row \(index) has \(row.count) values, expected \(columns)")
            }
            values.append(contentsOf: row)
        }
        self.rows = rowArrays.count
        self.columns = columns
        self.values = values
    }

    /// Element (i, j).
    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// A copy of row `i`.
    public func row(_ i: Int) -> [Double] {
        Array(values[(i * columns)..<((i + 1) * columns)])
    }

    /// A new matrix holding the given rows, in the given order.
    public func gatheringRows<C: Collection>(_ indices: C) -> Matrix where C.Element == Int {
        var result = Matrix(rows: indices.count, columns: columns)
        values.withUnsafeBufferPointer { source in
            result.values.withUnsafeMutableBufferPointer { target in
                var offset = 0
                for i in indices {
                    let start = i * columns
                    for j in 0..<columns { target[offset + j] = source[start + j] }
                    offset += columns
                }
            }
        }
        return result
    }

    /// The transpose, as a new row-major matrix.
    public func transposed() -> Matrix {
        var result = Matrix(rows: columns, columns: rows)
        for i in 0..<rows {
            for j in 0..<columns { result.values[j * rows + i] = values[i * columns + j] }
        }
        return result
    }
}
