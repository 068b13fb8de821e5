import ArgumentParser
import Foundation
import TrainerCore

/// The `trainer` command: argument parsing and error-to-exit-code mapping only; the work is in
/// TrainerCore.
@main
struct TrainerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainer",
        abstract: "Train linear, logistic and softmax regression with gradient descent, and see exactly what it does.",
        discussion: """
            Exit codes: 0 success; 3 training diverged; 4 a non-finite value with \
            training.on_nonfinite = "error"; 64 bad command line; 65 bad config or data; \
            73 the run folder cannot be written; 70 internal error.
            """,
        version: TrainerCore.version,
        subcommands: [Run.self]
    )
}

/// Exit codes (documented in README and in `trainer --help`).
enum Exit {
    static let diverged: Int32 = 3
    static let failed: Int32 = 4
    static let badInput: Int32 = 65
    static let cannotWrite: Int32 = 73
    static let internalError: Int32 = 70

    /// Prints the error as `trainer: …` on stderr and returns the exit code for it.
    static func report(_ error: TrainerError) -> ExitCode {
        FileHandle.standardError.write(Data("trainer: \(error)\n".utf8))
        switch error {
        case .config, .data: return ExitCode(badInput)
        case .runFolder: return ExitCode(cannotWrite)
        case .internalError: return ExitCode(internalError)
        }
    }
}

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
