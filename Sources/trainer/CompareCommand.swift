import ArgumentParser
import Foundation
import TrainerCore

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare runs side by side, optionally with an SVG of their loss curves.",
        discussion: "Each RUN is a run folder path, a file inside one, or a run name looked up in --runs-dir (default Runs)."
    )

    @Argument(help: "Two or more run folders or run names.")
    var runs: [String]

    @Option(help: ArgumentHelp("Write an overlay of the per-step training loss (log scale) to this SVG file.", valueName: "file"))
    var svg: String?

    @Flag(help: "Print a JSON array, one object per run, instead of the table.")
    var json = false

    @Option(help: "Folder where run names are looked up.")
    var runsDir = RunLocator.defaultRunsDirectory

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("give at least one run") }
    }

    func run() throws {
        var saved: [SavedRun] = []
        do {
            for argument in runs {
                saved.append(try SavedRun.load(RunLocator.locate(argument, runsDirectory: runsDir)))
            }
        } catch {
            throw Exit.report(error)
        }
        let comparison = RunComparison(runs: saved)
        print(json ? comparison.json().serialized() : comparison.table())
        if let svg {
            let chart = comparison.lossChart()
            do {
                try OutputFile.write(chart.svg, to: svg)
            } catch {
                throw Exit.report(output: error)
            }
            var note = "wrote \(svg)"
            if !chart.missing.isEmpty { note += " (no metrics.csv, left out: \(chart.missing.joined(separator: ", ")))" }
            FileHandle.standardError.write(Data((note + "\n").utf8))
        }
    }
}
