import ArgumentParser
import Foundation
import TrainerCore

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve a config's training objective exactly with LAPACK and write a run folder.",
        discussion: """
            Linear models: normal equations by Cholesky, falling back to QR or SVD when \
            ill-conditioned (solver.method: auto | cholesky | qr | svd). Logistic and softmax: \
            Newton's method on the exact Hessian with a line search. Exits with 6 when there is \
            no optimum to find (e.g. separable classes with model.l2 = 0).
            """
    )

    @Argument(help: "Config file path or shipped config name.")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Run folder name (default: the config's name).")
    var name: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let result: SolveRun.Result
        do {
            result = try SolveRun(configArgument: config, overrides: overrides, name: name).execute()
        } catch {
            throw Exit.report(error)
        }
        if !quiet { print(result.text) }
        if !result.solved { throw ExitCode(Exit.noOptimum) }
    }
}
