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
}
