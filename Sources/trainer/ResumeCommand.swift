import ArgumentParser
import Foundation
import TrainerCore

/// `trainer resume RUN_FOLDER`.
struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue an interrupted or killed run from its checkpoint, in the same folder.",
        discussion: """
            RUN_FOLDER is the run's folder (e.g. Runs/logreg). Training continues from \
            checkpoint.json with the folder's config.json; metrics.csv and epochs.csv are cut \
            back to the checkpoint and appended to, so the finished run is identical to one that \
            was never interrupted. SIGINT/SIGTERM stop it again the same way (exit 130). A \
            folder that another trainer process is still running or resuming is refused (exit 73).
            """
    )

    @Argument(help: "The run folder to continue.")
    var runFolder: String

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let result: TrainingRun.Result
        do {
            StopSignal.install()
            var progress: ProgressReporter?
            result = try TrainingRun.resume(
                runFolder: runFolder,
                observer: { epochs, resumedEpoch in
                    progress = quiet ? nil : ProgressReporter(totalEpochs: epochs, firstEpoch: resumedEpoch)
                    return progress
                },
                stopRequested: StopSignal.isRequested)
            progress?.finish()
        } catch {
            throw Exit.report(error)
        }
        if !quiet { print(result.text) }
        try StopSignal.exit(for: result.status)
    }
}
