import ArgumentParser
import Foundation
import TrainerCore

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply a run's model.json to a CSV file and write one prediction per row.",
        discussion: """
            Columns are matched by name; extra columns (the target too) are ignored. Output: \
            `prediction` for linear models; `label` and `p_<class>` per class for classifiers.
            """
    )

    @Argument(help: ArgumentHelp("Run folder path or run name.", valueName: "run"))
    var runArgument: String

    @Option(help: ArgumentHelp("CSV file with the model's feature columns.", valueName: "file.csv"))
    var data: String

    @Option(help: ArgumentHelp("Write the predictions here instead of to standard output.", valueName: "file.csv"))
    var out: String?

    @Option(help: "Folder where run names are looked up.")
    var runsDir = RunLocator.defaultRunsDirectory

    func run() throws {
        let model: SavedModel
        do {
            model = try SavedRun.load(RunLocator.locate(runArgument, runsDirectory: runsDir)).requireModel()
        } catch {
            throw Exit.report(error)
        }
        let input: ModelInput
        do {
            input = try ModelInput.load(path: data, model: model, requireTarget: false)
        } catch {
            throw Exit.report(.data(error))
        }
        let csv = Predictor(model: model).csv(input)
        if let out {
            do {
                try OutputFile.write(csv, to: out)
            } catch {
                throw Exit.report(output: error)
            }
        } else {
            FileHandle.standardOutput.write(Data(csv.utf8))
        }
    }
}
