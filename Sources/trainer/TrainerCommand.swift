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
            training.on_nonfinite = "error"; 5 `gradcheck` found a wrong gradient; 6 `solve` found no optimum; \
            7 `gradcheck` result suspicious; 64 bad command line; 65 bad config or data; \
            73 the run folder cannot be written; 70 internal error; 130 interrupted by SIGINT or \
            SIGTERM (a checkpoint was written: continue with `trainer resume RUN_FOLDER`).
            """,
        version: TrainerCore.version,
        subcommands: [
            Run.self,
            Resume.self,
            Solve.self,
            Inspect.self,
            Compare.self,
            Predict.self,
            Evaluate.self,
            ConfigKeys.self,
            Gradcheck.self,
        ]
    )

    /// Fixes OpenBLAS's kernel choice before anything else runs (see `BLASKernelSelection`).
    static func main() {
        BLASKernelSelection.reexecIfNeeded()
        main(nil)
    }
}
