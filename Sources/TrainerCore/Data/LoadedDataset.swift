/// A dataset together with the account of its missing values.
///
/// With `impute_mean`, `dataset.features` holds NaN exactly where a feature value was missing
/// (a NaN cannot come from the file, which rejects NaN text); ``MissingValueImputer`` fills
/// them once the training split is known.
public struct LoadedDataset: Sendable {
    /// The rows kept, in file order.
    public var dataset: Dataset
    /// Counts of missing values and dropped rows.
    public var missing: MissingValueReport
}
