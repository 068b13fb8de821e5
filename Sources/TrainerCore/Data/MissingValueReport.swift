/// What loading found missing (empty fields) in the columns a run uses, for `summary.json`.
public struct MissingValueReport: Equatable, Sendable {
    /// The policy that was applied (`data.missing`).
    public var policy: MissingValuePolicy
    /// Empty fields among the feature and target columns, in every row (dropped rows included).
    public var missingValues: Int
    /// Rows left out by `drop_row`.
    public var droppedRows: Int

    /// Creates a report.
    public init(policy: MissingValuePolicy, missingValues: Int = 0, droppedRows: Int = 0) {
        self.policy = policy
        self.missingValues = missingValues
        self.droppedRows = droppedRows
    }
}
