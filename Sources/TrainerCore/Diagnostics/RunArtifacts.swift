/// Everything a finished run knows, handed to the writers of derived files (charts, report,
/// TensorBoard events) after `summary.json`'s numbers are settled.
public struct RunRecord: Sendable {
    public var directory: RunDirectory
    public var config: TrainerConfig
    public var status: RunStatus
    public var outcome: TrainingOutcome
    /// The step rows written to `metrics.csv`.
    public var steps: [StepRecord]
    /// The rows of `epochs.csv`.
    public var epochs: [EpochRecord]
    public var reference: ReferenceComparison?
    /// The final `summary.json` document.
    public var summary: JSONValue
}

/// Writes the files derived from a run's log.
public enum RunArtifacts {
    /// Called once at the end of every run, whatever its status.
    public static func write(_ record: RunRecord) throws(RunFolderError) {
    }
}
