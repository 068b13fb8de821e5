import ArgumentParser
import Foundation
import TrainerCore

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a run folder: summary, diagnosis and charts of the loss and gradient norm.",
        discussion: """
            RUN is a run folder path, a file inside one, or a run name looked up in --runs-dir \
            (default Runs). Works on runs that are still running or diverged.
            """
    )

    @Argument(help: ArgumentHelp("Run folder path or run name.", valueName: "run"))
    var runArgument: String

    @Flag(help: "Print one JSON document (summary.json plus the curves, downsampled) instead of text.")
    var json = false

    @Option(help: "Folder where run names are looked up.")
    var runsDir = RunLocator.defaultRunsDirectory

    @Option(help: "Chart width in columns.")
    var width = 60

    @Option(help: "Chart height in lines (1 draws sparklines).")
    var height = 3

    @Option(help: "Most points per curve in --json output.")
    var points = 500

    func validate() throws {
        guard width >= 1, width <= 1000 else { throw ValidationError("--width must be between 1 and 1000") }
        guard height >= 1, height <= 40 else { throw ValidationError("--height must be between 1 and 40") }
        guard points >= 8 else { throw ValidationError("--points must be at least 8") }
    }

    func run() throws {
        let saved: SavedRun
        do {
            saved = try SavedRun.load(RunLocator.locate(runArgument, runsDirectory: runsDir))
        } catch {
            throw Exit.report(error)
        }
        let inspection = RunInspection(run: saved, width: width, height: height)
        print(json ? inspection.json(maxPoints: points).serialized() : inspection.text())
    }
}
