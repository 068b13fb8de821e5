import ArgumentParser
import Foundation
import TrainerCore

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a run's model.json on a labelled CSV file.",
        discussion: """
            Prints the mean loss (without the L2/L1 penalty) and accuracy with a confusion \
            matrix for classifiers, or MSE, RMSE, MAE and R² for regression. The model's target \
            column must be in the file.
            """
    )

    @Argument(help: ArgumentHelp("Run folder path or run name.", valueName: "run"))
    var runArgument: String

    @Option(help: ArgumentHelp("CSV file with the model's feature columns and its target column.", valueName: "file.csv"))
    var data: String

    @Flag(help: "Print one JSON document instead of text.")
    var json = false

    @Option(help: "Folder where run names are looked up.")
    var runsDir = RunLocator.defaultRunsDirectory

    func run() throws {
        let saved: SavedRun
        let model: SavedModel
        do {
            saved = try SavedRun.load(RunLocator.locate(runArgument, runsDirectory: runsDir))
            model = try saved.requireModel()
        } catch {
            throw Exit.report(error)
        }
        let input: ModelInput
        do {
            input = try ModelInput.load(path: data, model: model, requireTarget: true)
        } catch {
            throw Exit.report(.data(error))
        }
        guard let evaluation = Evaluation.compute(predictor: Predictor(model: model), input: input) else {
            // ModelInput.load with requireTarget returns targets for every row or throws.
            throw Exit.report(.internalError("evaluate: targets were not read from \(data)"))
        }
        let name = saved.directory.path
        print(json ? evaluation.json(runName: name, dataPath: data).serialized() : evaluation.text(runName: name, dataPath: data))
    }
}
