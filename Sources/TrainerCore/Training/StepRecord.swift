/// One optimizer step as logged in `metrics.csv`.
public struct StepRecord: Equatable, Sendable {
    /// 1-based optimizer step.
    public var step: Int
    /// 1-based epoch the step belongs to.
    public var epoch: Int
    /// Learning rate used by this step.
    public var lr: Double
    /// Mean loss over the step's examples at the parameters before the update, plus the penalty.
    public var loss: Double
    /// Examples seen by this step (all micro-batches of an accumulation window).
    public var examples: Int
    /// ‖g‖ before clipping, weights and bias together.
    public var gradNorm: Double
    /// ‖g‖ after clipping.
    public var clippedGradNorm: Double
    /// The factor clipping multiplied the gradient by (1 when it did not fire).
    public var clipCoefficient: Double
    /// ‖g‖ over the weights only, before clipping.
    public var gradNormWeights: Double
    /// ‖g‖ over the bias only, before clipping (0 without a bias).
    public var gradNormBias: Double
    /// ‖Δθ‖ of this step's update.
    public var updateNorm: Double
    /// ‖θ‖ after the update.
    public var weightNorm: Double
    /// Whether the update was skipped because of a non-finite value (`on_nonfinite: skip`).
    public var skipped: Bool

    /// The CSV header of `metrics.csv`, in column order. Names are a user-facing contract.
    public static let csvHeader =
        "step,epoch,lr,loss,examples,grad_norm,clipped_grad_norm,clip_coef,grad_norm_weights,grad_norm_bias,update_norm,weight_norm,update_ratio,skipped"

    /// A row of zeros, to fill preallocated storage with.
    static let zero = StepRecord(
        step: 0, epoch: 0, lr: 0, loss: 0, examples: 0, gradNorm: 0, clippedGradNorm: 0, clipCoefficient: 0,
        gradNormWeights: 0, gradNormBias: 0, updateNorm: 0, weightNorm: 0, skipped: false)

    /// ‖Δθ‖ / ‖θ‖ (0 when θ = 0).
    public var updateRatio: Double { weightNorm > 0 ? updateNorm / weightNorm : 0 }

    /// The row for `metrics.csv`; doubles use the shortest text that reads back bit-exactly.
    public var csvRow: String {
        var row = CSVRowWriter(capacity: 256)
        appendCSVRow(to: &row)
        return row.string
    }

    /// Appends `csvRow` (without a newline) to `row`: the same bytes, without building a
    /// `String` per field.
    ///
    /// Why: with `log_every = 1` every step is a row of 11 doubles. Building it by string
    /// interpolation (a `String` per `description`, then concatenation) cost ~2.5 µs per row,
    /// about a third of exercise 5's 1000-step loop; writing the digits straight into one byte
    /// buffer cost ~0.6 µs per row (measured in `trainer run` of the exercise-5 config).
    public func appendCSVRow(to row: inout CSVRowWriter) {
        row.append(step); row.comma()
        row.append(epoch); row.comma()
        row.append(lr); row.comma()
        row.append(loss); row.comma()
        row.append(examples); row.comma()
        row.append(gradNorm); row.comma()
        row.append(clippedGradNorm); row.comma()
        row.append(clipCoefficient); row.comma()
        row.append(gradNormWeights); row.comma()
        row.append(gradNormBias); row.comma()
        row.append(updateNorm); row.comma()
        row.append(weightNorm); row.comma()
        row.append(updateRatio); row.comma()
        row.append(skipped ? 1 : 0)
    }
}

/// A growing UTF-8 buffer that CSV rows are written into field by field, with the same text
/// `format(_:)` and `Int.description` give, but no intermediate `String` per field.
public struct CSVRowWriter: TextOutputStream {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty buffer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether nothing has been written (or everything was removed).
    public var isEmpty: Bool { bytes.isEmpty }

    /// Number of bytes written.
    public var count: Int { bytes.count }

    /// Forgets the contents and keeps the allocation.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    /// `TextOutputStream`: `Double.write(to:)` hands over its digits through this (as one
    /// small, non-allocating string for up to 15 characters).
    public mutating func write(_ string: String) {
        var string = string
        string.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `TextOutputStream`'s customization point for ASCII text, which `Double.write(to:)` uses
    /// for its digits: copied straight in. Without it the default implementation builds a
    /// `String` first, which allocates beyond 15 characters, as most full-precision doubles are
    /// (measured: 81 → 47 ns per double, the same bytes).
    public mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    /// Appends a comma.
    @inline(__always)
    public mutating func comma() { bytes.append(UInt8(ascii: ",")) }

    /// Appends a newline.
    @inline(__always)
    public mutating func newline() { bytes.append(UInt8(ascii: "\n")) }

    /// Appends raw UTF-8 text.
    public mutating func append(_ text: String) { write(text) }

    /// Appends `value.description` (decimal, with a leading `-` when negative).
    public mutating func append(_ value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // Int.min has no positive counterpart; its magnitude still fits a UInt.
            appendDigits(value.magnitude)
        } else {
            appendDigits(UInt(value))
        }
    }

    private mutating func appendDigits(_ value: UInt) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ the 20 digits of UInt.max
        withUnsafeMutableBytes(of: &digits) { buffer in
            var v = value, i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            bytes.append(contentsOf: buffer[i...])
        }
    }

    /// Appends `format(value)`: the shortest text that reads back bit-exactly (`description`),
    /// with `nan`, `inf`, `-inf` spelled as numpy and pandas read them.
    public mutating func append(_ value: Double) {
        if value.isNaN {
            write("nan")
        } else if value.isInfinite {
            write(value > 0 ? "inf" : "-inf")
        } else {
            // `Double.write(to:)` formats exactly as `description` does, into a stack buffer.
            value.write(to: &self)
        }
    }
}

/// Shortest round-trip text of a double, with `nan`, `inf` and `-inf` spelled the way numpy and
/// pandas read them.
@inlinable
func format(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return x.description
}
