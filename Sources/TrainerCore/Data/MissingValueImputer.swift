/// Mean imputation for `data.missing = "impute_mean"`.
///
/// Means come from the training split only, so no validation value leaks into training, and are
/// kept in raw feature units (before standardization) because that is what a caller predicting
/// on new rows has; model.json records them as `imputation.mean`.
public struct MissingValueImputer: Equatable, Sendable {
    /// One mean per feature column, over the training rows whose value is present.
    public var means: [Double]

    /// Fits column means over `trainRows` of `dataset`, skipping the NaN that mark missing values.
    ///
    /// A column with no present training value has no mean; that is an error, because filling
    /// it with anything would invent data.
    public static func fit(_ dataset: Dataset, trainRows: [Int]) throws(DataError) -> MissingValueImputer {
        let x = dataset.features
        var sums = [Double](repeating: 0, count: x.columns)
        var counts = [Int](repeating: 0, count: x.columns)
        for row in trainRows {
            for column in 0..<x.columns {
                let value = x.values[row * x.columns + column]
                if !value.isNaN {
                    sums[column] += value
                    counts[column] += 1
                }
            }
        }
        var means = [Double](repeating: 0, count: x.columns)
        for column in 0..<x.columns {
            guard counts[column] > 0 else {
                throw DataError(
                    file: dataset.sourcePath, column: nil, columnName: dataset.featureNames[column],
                    reason: "cannot impute a mean: every value of this feature in the training split is missing")
            }
            means[column] = sums[column] / Double(counts[column])
        }
        return MissingValueImputer(means: means)
    }

    /// Replaces every NaN feature of `dataset` by its column mean, in place (the matrix can be
    /// most of a run's memory; a copy here doubled it).
    public func apply(to dataset: inout Dataset) {
        let columns = dataset.features.columns
        dataset.features.values.withUnsafeMutableBufferPointer { values in
            for index in values.indices where values[index].isNaN {
                values[index] = means[index % columns]
            }
        }
    }
}
