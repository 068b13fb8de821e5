/// One completed epoch as logged in `epochs.csv`: full passes over the training and
/// validation splits at the epoch's final parameters.
public struct EpochRecord: Equatable, Sendable {
    /// 1-based epoch.
    public var epoch: Int
    /// Optimizer steps taken so far.
    public var step: Int
    /// Full objective (penalty included) over the training split.
    public var trainLoss: Double
    /// Mean loss (plus penalty) over the validation split; NaN without one.
    public var valLoss: Double
    /// Accuracy (classifiers) or R² (regression) on the training split.
    public var trainMetric: Double
    /// The same on the validation split; NaN without one.
    public var valMetric: Double

    /// A row of zeros, to fill preallocated storage with.
    static let zero = EpochRecord(epoch: 0, step: 0, trainLoss: 0, valLoss: 0, trainMetric: 0, valMetric: 0)

    /// The header of `epochs.csv` for a model kind.
    public static func csvHeader(for kind: ModelKind) -> String {
        kind.isClassifier
            ? "epoch,step,train_loss,val_loss,train_accuracy,val_accuracy"
            : "epoch,step,train_loss,val_loss,train_r2,val_r2"
    }

    /// The row for `epochs.csv`; doubles use the shortest text that reads back bit-exactly.
    public var csvRow: String {
        var row = CSVRowWriter(capacity: 128)
        appendCSVRow(to: &row)
        return row.string
    }

    /// Appends `csvRow` (without a newline) to `row`, with no `String` per field (see
    /// `StepRecord.appendCSVRow`).
    public func appendCSVRow(to row: inout CSVRowWriter) {
        row.append(epoch); row.comma()
        row.append(step); row.comma()
        row.append(trainLoss); row.comma()
        row.append(valLoss); row.comma()
        row.append(trainMetric); row.comma()
        row.append(valMetric)
    }
}
