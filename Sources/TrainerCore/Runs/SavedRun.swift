import Foundation

/// A run folder read back from disk: `summary.json`, the optimizer settings from `config.json`,
/// the per-step curves from `metrics.csv` and the model from `model.json`.
///
/// Only `summary.json` is required. The other files can be legitimately absent — a run that is
/// still training has no `model.json` yet, a run killed early may lack `metrics.csv` rows — so
/// their absence is recorded as a problem to show, not thrown. Files that exist but are
/// malformed are errors (the summary, config and metrics) or recorded problems (the model, so
/// `inspect` can still show the rest; `predict` and `evaluate` throw it via `requireModel()`).
public struct SavedRun: Sendable {
    /// The optimizer settings `compare` and `inspect` show, from `config.json`.
    public struct Settings: Sendable {
        public var optimizer: String?
        public var lr: Double?
        /// `"full"`, `"32"`, or `"32 × 4 accumulated"`.
        public var batch: String?
        public var schedule: String?
        public var l2: Double?
        public var l1: Double?
        public var epochs: Int?
    }

    public var directory: RunDirectory
    /// The folder's name, e.g. `logreg-2`.
    public var name: String
    public var summary: RunSummary
    /// nil when `config.json` is missing.
    public var settings: Settings?
    /// nil when `metrics.csv` is missing.
    public var steps: StepSeries?
    /// The model, or why there is none.
    public var model: Result<SavedModel, RunReadError>

    /// Reads the run folder.
    ///
    /// - Throws: `RunReadError` when `summary.json` is missing, or when `summary.json`,
    ///   `config.json` or `metrics.csv` is malformed.
    public static func load(_ directory: RunDirectory) throws(RunReadError) -> SavedRun {
        let summaryPath = directory.file("summary.json")
        guard FileManager.default.fileExists(atPath: summaryPath) else {
            throw RunReadError(file: summaryPath, reason: "missing: the run stopped before training started, or this is not a run folder")
        }
        let summary = try RunSummary.load(path: summaryPath)
        let configPath = directory.file("config.json")
        let settings = FileManager.default.fileExists(atPath: configPath) ? try Self.settings(JSONFieldReader.load(path: configPath)) : nil
        let metricsPath = directory.file("metrics.csv")
        let steps = FileManager.default.fileExists(atPath: metricsPath) ? try StepSeries.load(path: metricsPath) : nil
        let modelPath = directory.file("model.json")
        let model: Result<SavedModel, RunReadError>
        if FileManager.default.fileExists(atPath: modelPath) {
            do {
                model = .success(try SavedModel.load(path: modelPath))
            } catch {
                model = .failure(error)
            }
        } else {
            let why = summary.status == "running"
                ? "the run is still training (or was killed) and writes it when it ends"
                : "the run ended with status \"\(summary.status)\" without writing it"
            model = .failure(RunReadError(file: modelPath, reason: "missing: \(why)"))
        }
        let name = (PathUtilities.normalise(PathUtilities.absolute(directory.path)) as NSString).lastPathComponent
        return SavedRun(directory: directory, name: name, summary: summary, settings: settings, steps: steps, model: model)
    }

    /// The model, or the error saying why it cannot be used.
    public func requireModel() throws(RunReadError) -> SavedModel {
        try model.get()
    }

    static func settings(_ r: JSONFieldReader) throws(RunReadError) -> Settings {
        var s = Settings()
        if let o = try r.object("optimizer") {
            s.optimizer = try o.string("type")
            s.lr = try o.number("lr")
        }
        if let m = try r.object("model") {
            s.l2 = try m.number("l2")
            s.l1 = try m.number("l1")
        }
        if let sc = try r.object("schedule") { s.schedule = try sc.string("type") }
        if let t = try r.object("training") {
            s.epochs = try t.integer("epochs")
            let accumulation = try t.integer("accumulation_steps") ?? 1
            switch try t.member("batch_size") {
            case .string(let text)?: s.batch = text
            case .number(let n)?: s.batch = fmt(n) + (accumulation > 1 ? " × \(accumulation) accumulated" : "")
            case nil: s.batch = nil
            case let other?: throw t.error("batch_size", "expected a number or \"full\", got \(other.errorDescription)")
            }
        }
        return s
    }
}
