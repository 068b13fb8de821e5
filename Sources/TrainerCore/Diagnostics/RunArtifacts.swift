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
    /// The diagnosis written to `summary.json` (computed once, by `TrainingRun`).
    public var diagnosis: Diagnosis
    /// The final `summary.json` document.
    public var summary: JSONValue
}

import Foundation

/// Writes the files derived from a run's log: `loss.svg`, `grad_norm.svg`, `lr.svg`,
/// `objective_gap.svg` (with a reference optimum) and `report.html`. (The TensorBoard event file
/// is written while the run trains, by `MetricsLog`.)
public enum RunArtifacts {
    /// Called once at the end of every run, whatever its status. Charts and the report are
    /// written atomically (`AtomicFile`).
    public static func write(_ record: RunRecord) throws(RunFolderError) {
        let charts = RunCharts.all(record)
        for (file, chart) in charts {
            try AtomicFile.write(chart.render(), to: record.directory.file(file))
        }
        // The same pure function of the same log as `summary.json`'s diagnosis, recomputed here
        // so the record (and TrainingRun) need not carry it twice.
        try AtomicFile.write(RunReport.html(record, charts: charts, diagnosis: record.diagnosis), to: record.directory.file("report.html"))
    }
}
