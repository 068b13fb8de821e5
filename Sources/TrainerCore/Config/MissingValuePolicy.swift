/// What loading does with a missing value: an empty field (nothing but spaces and tabs, or `""`)
/// in a feature or target column (`data.missing`).
///
/// Text such as `NA` or `NaN` is deliberately *not* missing: it is reported as non-numeric or
/// non-finite, so a typo or a broken export is never silently imputed.
public enum MissingValuePolicy: String, Equatable, Sendable, CaseIterable {
    /// Any missing value is an error naming its line and column (the default).
    case error
    /// Rows with a missing feature or target are left out; their count is reported.
    case dropRow = "drop_row"
    /// Missing features are replaced by the training split's column mean (saved in model.json);
    /// a missing target is still an error.
    case imputeMean = "impute_mean"
}
