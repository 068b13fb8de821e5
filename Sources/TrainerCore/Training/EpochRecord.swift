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

    /// The header of `epochs.csv` for a model kind.
    public static func csvHeader(for kind: ModelKind) -> String {
        kind.isClassifier
            ? "epoch,step,train_loss,val_loss,train_accuracy,val_accuracy"
            : "epoch,step,train_loss,val_loss,train_r2,val_r2"
    }

    public var csvRow: String {
        "\(epoch),\(step),\(format(trainLoss)),\(format(valLoss)),\(format(trainMetric)),\(format(valMetric))"
    }
}
