import ArgumentParser
import Foundation
import TrainerCore

struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve a config's training objective exactly with LAPACK and write a run folder.",
        discussion: """
            Linear models: normal equations by Cholesky, falling back to QR or SVD when \
            ill-conditioned (solver.method: auto | cholesky | qr | svd). Logistic and softmax: \
            Newton's method with a line search (softmax on large data starts on the Hessian of a \
            row sample; the gradient always uses every row). Exits with 6 when there is \
            no optimum to find (e.g. separable classes with model.l2 = 0).
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let result: SolveRun.Result
        do {
            result = try SolveRun(configArgument: options.config, overrides: options.overrides, name: options.name).execute()
        } catch {
            throw Exit.report(error)
        }
        if !options.quiet { print(result.text) }
        if !result.solved { throw ExitCode(Exit.noOptimum) }
    }
}
