import Foundation

/// `trainer run` on a config with `sweep`: every member is a normal run folder inside one
/// sweep folder `runs_dir/<name>/` (made unique like run folders), followed by the comparison
/// files `sweep.csv`, `sweep.md`, `sweep_loss.svg` and `sweep_gap.svg`.
///
/// A diverging member is a result, not a failure: its row says `diverged at step N` and the
/// sweep goes on. A member that stops with an error (say, generated data lacking a class) also
/// gets a row, and the sweep goes on; the caller decides the exit code from `errors`.
public struct SweepRun {
    /// A member counts as converged when (f − f*)/|f*| is at most this.
    public static let relativeGapTolerance = 1e-6

    public let plan: SweepPlan

    /// What the whole sweep produced.
    public struct Result: Sendable {
        public var directory: RunDirectory
        public var members: [SweepMemberResult]
        /// The table as printed.
        public var text: String
        /// Errors of members that did not finish.
        public var errors: [TrainerError] { members.compactMap(\.error) }
    }

    public init(plan: SweepPlan) {
        self.plan = plan
    }

    /// Creates the sweep folder, runs every member in order and writes the comparison files.
    /// `progress` is told about each member as it finishes (index from 1, total).
    public func execute(progress: ((Int, Int, SweepMemberResult) -> Void)? = nil) throws(TrainerError) -> Result {
        let directory: RunDirectory
        do {
            directory = try RunDirectory.create(runsDirectory: plan.base.runsDir, name: plan.base.name)
        } catch {
            throw .runFolder(error)
        }
        var results: [SweepMemberResult] = []
        let memo = ReferenceMemo()
        for (index, member) in plan.members.enumerated() {
            var config = member.config
            config.runsDir = directory.path
            var result = SweepMemberResult(member: member)
            let collector = EpochCollector()
            do {
                var training = TrainingRun(config: config, configPath: plan.configPath)
                training.referenceMemo = memo
                let run = try training.execute(observer: collector)
                result.runDirectory = run.directory.path
                result.runStatus = run.status
                result.read(summary: run.summary)
            } catch {
                result.error = error
            }
            result.curve = collector.points
            results.append(result)
            progress?(index + 1, plan.members.count, result)
        }
        let report = SweepReport(plan: plan, members: results, tolerance: Self.relativeGapTolerance)
        do {
            try AtomicFile.write(report.csv(), to: directory.file("sweep.csv"))
            try AtomicFile.write(report.markdown(), to: directory.file("sweep.md"))
            try AtomicFile.write(report.lossChart().render(), to: directory.file("sweep_loss.svg"))
            try AtomicFile.write(report.gapChart().render(), to: directory.file("sweep_gap.svg"))
        } catch {
            throw .runFolder(error)
        }
        return Result(directory: directory, members: results, text: "sweep      \(directory.path)\n" + report.table())
    }
}

/// Keeps each epoch's full training objective (per step for full-batch gradient descent).
private final class EpochCollector: TrainingObserver {
    var points: [(step: Int, loss: Double)] = []
    func trainerDidStep(_ record: StepRecord) {}
    func trainerDidFinishEpoch(_ record: EpochRecord) {
        points.append((record.step, record.trainLoss))
    }
}
