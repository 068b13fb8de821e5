import Foundation

/// A run's data, from where the config says: the CSV file at `data.path`, or the generator of
/// `data.synthetic`. `trainer run` and `trainer gradcheck` both load through here, so they see
/// the same rows.
public struct DataSource: Sendable {
    /// The table, unsplit and unstandardized.
    public var dataset: Dataset
    /// The generated data and its true parameters, when `data.synthetic` is set.
    public var synthetic: SyntheticData?
    /// The CSV text of generated data (what the run folder saves as `data.csv`).
    public var syntheticCSV: String?
    /// Empty fields found and what `data.missing` did with them (none for generated data).
    public var missing: MissingValueReport

    /// `data.path` resolved against the config file's folder, or nil for synthetic data.
    public static func resolvedPath(config: TrainerConfig, configPath: String) -> String? {
        guard config.data.synthetic == nil, let path = config.data.path else { return nil }
        if path.hasPrefix("/") { return path }
        return PathUtilities.normalise(
            PathUtilities.absolute((PathUtilities.directory(of: configPath) as NSString).appendingPathComponent(path)))
    }

    /// Loads or generates the data. `dataPath` is `resolvedPath(config:configPath:)`.
    ///
    /// `trains`: whether the data will be trained on (else it is only solved, evaluated or
    /// checked). Only then is it read back into huge pages (`DatasetCache.hugePages`): the
    /// training matrix is the loaded one, reordered in place (`PreparedData`).
    public static func load(config: TrainerConfig, dataPath: String?, trains: Bool = true) throws(TrainerError) -> DataSource {
        do {
            if let spec = config.data.synthetic {
                let data = SyntheticData(spec, kind: config.model.type, runSeed: config.seed, targetName: config.data.target)
                let text = data.csv()
                return DataSource(
                    dataset: try data.dataset(features: config.data.features, csv: text), synthetic: data, syntheticCSV: text,
                    missing: MissingValueReport(policy: config.data.missing))
            }
            guard let dataPath else {
                // Unreachable after validation, which requires data.path without data.synthetic.
                throw TrainerError.internalError("no data.path and no data.synthetic")
            }
            let loaded = try DatasetLoader.load(
                path: dataPath, target: config.data.target, features: config.data.features, kind: config.model.type,
                missing: config.data.missing,
                hugePages: trains)
            return DataSource(dataset: loaded.dataset, synthetic: nil, syntheticCSV: nil, missing: loaded.missing)
        } catch let error as DataError {
            throw .data(error)
        } catch let error as TrainerError {
            throw error
        } catch {
            throw .internalError("loading data: \(error)")
        }
    }

    /// Hands the dataset over, leaving one with no rows: `PreparedData` reorders the matrix
    /// in place, which copies nothing only when nothing else holds its storage.
    public mutating func takeDataset() -> Dataset {
        let taken = dataset
        dataset = Dataset(
            featureNames: taken.featureNames, features: Matrix(rows: 0, columns: taken.features.columns),
            targetName: taken.targetName, targets: [], classes: taken.classes, sourcePath: taken.sourcePath)
        return taken
    }

    /// Saves generated data (`data.csv`, `true_weights.json`) in the run folder; no-op for a CSV source.
    func writeSyntheticData(into directory: RunDirectory) throws(RunFolderError) {
        if let synthetic, let syntheticCSV {
            try synthetic.write(csv: syntheticCSV, into: directory)
        }
    }
}
