/// A table of numeric features and one target column, ready for training.
public struct Dataset: Sendable {
    /// Feature column names, in file order, or in the order the caller listed them.
    public var featureNames: [String]
    /// `rows` × `featureNames.count`, row-major, one row per data record in file order.
    public var features: Matrix
    /// The target column's name.
    public var targetName: String
    /// Regression: the target value. Classifiers: the class index `0..<classes.count` as a `Double`.
    public var targets: [Double]
    /// Classifiers: class labels, indexed by class index. `nil` for regression.
    public var classes: [String]?
    /// The path the data was loaded from, as given.
    public var sourcePath: String

    /// Creates a dataset from already validated parts.
    public init(
        featureNames: [String], features: Matrix, targetName: String, targets: [Double],
        classes: [String]?, sourcePath: String
    ) {
        self.featureNames = featureNames
        self.features = features
        self.targetName = targetName
        self.targets = targets
        self.classes = classes
        self.sourcePath = sourcePath
    }

    /// Number of examples (rows).
    public var count: Int { targets.count }
}
