import ArgumentParser
import Foundation
import TrainerCore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model as a config file describes and write a run folder.",
        discussion: """
            CONFIG is a path (`configs/logreg.json` also finds `Configs/logreg.json`) or the name \
            of a shipped config (`logreg`). Relative paths inside a config are relative to the \
            config file; runs_dir is relative to the current directory.

            A config with "sweep" (e.g. {"optimizer.lr": [0.001, 0.01]}) trains one run per value \
            (per combination, for several keys) inside the folder runs_dir/<name>/ and writes \
            sweep.csv, sweep.md, sweep_loss.svg and sweep_gap.svg there. Members that diverge are \
            results: the sweep exits 0 unless a member stops with an error.
            """
    )

    @Argument(help: "Config file path or shipped config name.")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key, e.g. --set optimizer.lr=0.1 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Run folder name (default: the config's name).")
    var name: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let result: TrainingRun.Result
        do {
            let run = try TrainingRun(configArgument: config, overrides: overrides, name: name)
            if !run.config.sweep.isEmpty {
                try runSweep(base: run)
                return
            }
            let progress = quiet ? nil : ProgressReporter(totalEpochs: run.config.training.epochs)
            result = try run.execute(observer: progress)
            progress?.finish()
        } catch {
            throw Exit.report(error)
        }
        if !quiet { print(result.text) }
        switch result.status {
        case .completed: return
        case .diverged: throw ExitCode(Exit.diverged)
        case .failed: throw ExitCode(Exit.failed)
        case .interrupted: throw ExitCode(130)
        }
    }

    /// Every member of the grid, then the comparison table. Member divergence is a result.
    func runSweep(base: TrainingRun) throws(TrainerError) {
        let plan: SweepPlan
        do {
            var all = overrides
            if let name { all.append("name=\(JSONValue.string(name).serialized(pretty: false))") }
            plan = try SweepPlan.expand(base: base.config, configPath: base.configPath, overrides: all)
        } catch {
            throw .config(error)
        }
        let quiet = self.quiet
        let result = try SweepRun(plan: plan).execute { index, total, member in
            guard !quiet else { return }
            let values = member.member.assignments.map { "\($0.path)=\($0.valueText)" }.joined(separator: " ")
            FileHandle.standardError.write(Data("[\(index)/\(total)] \(values): \(member.statusText(tolerance: SweepRun.relativeGapTolerance))\n".utf8))
        }
        if !quiet { print(result.text, terminator: "") }
        if let error = result.errors.first { throw error }
    }
}
