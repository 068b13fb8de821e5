/// A dataset split into training and validation parts, standardized with statistics of the
/// training part only, and wrapped in the objectives the trainer and the reference solver use.
public struct PreparedData: Sendable {
    /// The loaded dataset, unstandardized, all rows.
    public let dataset: Dataset
    /// Row indices (into `dataset`) of the training split, in file order.
    public let trainRows: [Int]
    /// Row indices of the validation split, in file order.
    public let validationRows: [Int]
    /// The feature transform fitted on the training split (identity when `data.standardize` is false).
    public let standardizer: Standardizer
    /// The training objective (standardized training rows).
    public let train: LinearModelObjective
    /// The validation objective, when the split is non-empty.
    public let validation: LinearModelObjective?

    /// Number of classes (1 for regression).
    public var classCount: Int { dataset.classes?.count ?? 1 }

    /// The training and validation row indices (each in file order) for `rowCount` rows: a
    /// pure function of its arguments, so the missing-value imputer can fit on the same
    /// training rows before the data is prepared.
    public static func split(rowCount m: Int, validationFraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
        var validationCount = Int((Double(m) * validationFraction).rounded())
        validationCount = min(validationCount, m - 1)
        validationCount = max(validationCount, 0)
        // Nothing held out: the sorted training rows are 0..<m, so skip the shuffle and the
        // O(m log m) sort (3% of a one-epoch run on 1e6 rows). The generator is used for
        // nothing else, so skipping it changes no other draw.
        if validationCount == 0 { return (Array(0..<m), []) }
        var order = Array(0..<m)
        var rng = SeededGenerator(seed: seed ^ 0x5EED_0F_5B1175)
        rng.shuffle(&order)
        return (order[validationCount...].sorted(), order[0..<validationCount].sorted())
    }

    /// Splits with a generator seeded by `seed`, so the split is the same for every run with
    /// that seed whatever the optimizer does.
    public init(dataset: Dataset, model: ModelConfig, data: DataConfig, seed: UInt64) throws(LinearAlgebraError) {
        self.dataset = dataset
        (trainRows, validationRows) = Self.split(rowCount: dataset.features.rows, validationFraction: data.validationFraction, seed: seed)

        // Copies of the feature matrix, the dominant memory cost: none when the training split
        // is the whole dataset and nothing is standardized (the objective shares the dataset's
        // storage); otherwise one per split, gathered and standardized in one pass. Before,
        // every run held the dataset, a gathered training copy and a standardized copy of it
        // (3× the matrix; 1× now in the no-split, unstandardized case).
        let wholeDataset = validationRows.isEmpty
        let trainSelection = wholeDataset ? nil : trainRows
        standardizer = data.standardize
            ? Standardizer.fit(dataset.features, rows: trainSelection) : .identity(featureCount: dataset.features.columns)
        let trainX = wholeDataset && !data.standardize
            ? dataset.features : standardizer.transformedRows(of: dataset.features, trainSelection, applying: data.standardize)
        let classCount = dataset.classes?.count ?? 1
        train = try LinearModelObjective(
            kind: model.type, features: trainX,
            targets: wholeDataset ? dataset.targets : trainRows.map { dataset.targets[$0] }, classCount: classCount,
            fitsBias: model.bias, l2: model.l2, l1: model.l1)
        if validationRows.isEmpty {
            validation = nil
        } else {
            // Read only by evaluation passes, in order: 4 KiB pages (see `transformedRows`).
            let validationX = standardizer.transformedRows(
                of: dataset.features, validationRows, applying: data.standardize, hugePages: false)
            validation = try LinearModelObjective(
                kind: model.type, features: validationX,
                targets: validationRows.map { dataset.targets[$0] }, classCount: classCount,
                fitsBias: model.bias, l2: model.l2, l1: model.l1)
        }
    }
}
