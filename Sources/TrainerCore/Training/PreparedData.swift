/// A dataset split into training and validation parts, standardized with statistics of the
/// training part only, and wrapped in the objectives the trainer and the reference solver use.
public struct PreparedData: Sendable {
    /// The loaded dataset's feature names, in column order.
    public let featureNames: [String]
    /// The target column's name.
    public let targetName: String
    /// Classifiers: class labels, indexed by class index. `nil` for regression.
    public let classes: [String]?
    /// Rows of the loaded dataset: training and validation rows together.
    public let rowCount: Int
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
    public var classCount: Int { classes?.count ?? 1 }

    /// Number of feature columns.
    public var featureCount: Int { featureNames.count }

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
    ///
    /// The dataset's matrix becomes the training matrix: validation rows are copied out, then
    /// the training rows are standardized and moved up in the same storage
    /// (`Standardizer.transformRows(inPlace:keeping:applying:)`). Hand it over (`consume`)
    /// and keep no other copy of the dataset, or that storage is copied first.
    public init(dataset: consuming Dataset, model: ModelConfig, data: DataConfig, seed: UInt64) throws(LinearAlgebraError) {
        var dataset = consume dataset
        featureNames = dataset.featureNames
        targetName = dataset.targetName
        classes = dataset.classes
        rowCount = dataset.features.rows
        (trainRows, validationRows) = Self.split(rowCount: rowCount, validationFraction: data.validationFraction, seed: seed)

        // The feature matrix is the dominant memory cost, so there is one: the loaded one,
        // reordered and standardized in place, plus the validation rows' copy. Before, a run
        // held the loaded matrix beside a gathered training copy (2.0× the matrix for the
        // default config; 3× before round 1).
        let wholeDataset = validationRows.isEmpty
        let trainSelection = wholeDataset ? nil : trainRows
        standardizer = data.standardize
            ? Standardizer.fit(dataset.features, rows: trainSelection) : .identity(featureCount: dataset.features.columns)
        let classCount = dataset.classes?.count ?? 1
        if wholeDataset {
            validation = nil
        } else {
            let validationX = standardizer.transformedRows(of: dataset.features, validationRows, applying: data.standardize)
            validation = try LinearModelObjective(
                kind: model.type, features: validationX,
                targets: validationRows.map { dataset.targets[$0] }, classCount: classCount,
                fitsBias: model.bias, l2: model.l2, l1: model.l1)
        }
        let trainTargets = wholeDataset ? dataset.targets : trainRows.map { dataset.targets[$0] }
        var trainX = Matrix(rows: 0, columns: 0)
        swap(&trainX, &dataset.features)
        if !wholeDataset || data.standardize {
            standardizer.transformRows(inPlace: &trainX, keeping: trainSelection, applying: data.standardize)
        }
        train = try LinearModelObjective(
            kind: model.type, features: trainX, targets: trainTargets, classCount: classCount,
            fitsBias: model.bias, l2: model.l2, l1: model.l1)
    }
}
