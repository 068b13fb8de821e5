import Foundation

/// Assembles `summary.json` and the one-screen terminal summary from a run's pieces.
///
/// `summary.json` fields (a user-facing contract): `status` (`running` while training,
/// then `completed` | `diverged` | `failed` | `interrupted`), `stop_reason`, `model`, `run_dir`,
/// `steps`, `planned_steps`, `epochs_completed`, `skipped_steps`, `clipped_steps`,
/// `restored_epoch`, `final` (`train_loss`, `val_loss`, `train_accuracy`/`val_accuracy` or
/// `train_r2`/`val_r2`, `grad_norm`), `divergence`, `reference`, `data`, `synthetic` (only for
/// generated data, see `SyntheticDataReport`), `timing`
/// (`load_seconds`, `train_seconds`, `reference_seconds`, `total_seconds`), `environment`.
struct SummaryBuilder {
    let config: TrainerConfig
    let configPath: String
    let dataPath: String
    let data: PreparedData
    let directory: RunDirectory
    let environment: RunEnvironment
    var loadSeconds = 0.0
    var trainSeconds = 0.0
    var referenceSeconds = 0.0
    var totalSeconds = 0.0
    var plannedSteps = 0
    var outcome: TrainingOutcome?
    var epochs: [EpochRecord] = []
    var final: EpochRecord?
    var finalGradNorm: Double?
    var reference: ReferenceComparison?
    var diagnosis: Diagnosis?
    /// Generated data and how well its true weights were recovered (`synthetic`).
    var synthetic: SyntheticDataReport?

    var isClassifier: Bool { config.model.type.isClassifier }
    var metricName: String { isClassifier ? "accuracy" : "r2" }

    func json(status: String) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("status", .string(status)),
            ("stop_reason", outcome.map { .string($0.stopReason) } ?? .null),
            ("model", .string(config.model.type.rawValue)),
            ("name", .string(config.name)),
            ("run_dir", .string(directory.path)),
            ("config_file", .string(configPath)),
        ]
        if let outcome {
            fields += [
                ("steps", .number(Double(outcome.steps))),
                ("planned_steps", .number(Double(plannedSteps))),
                ("epochs_completed", .number(Double(outcome.epochsCompleted))),
                ("skipped_steps", .number(Double(outcome.skippedSteps))),
                ("clipped_steps", .number(Double(outcome.clippedSteps))),
                ("restored_epoch", outcome.restoredEpoch.map { .number(Double($0)) } ?? .null),
            ]
        }
        if let final {
            var f: [(String, JSONValue)] = [
                ("train_loss", .number(final.trainLoss)),
                ("val_loss", number(final.valLoss)),
                ("train_\(metricName)", number(final.trainMetric)),
                ("val_\(metricName)", number(final.valMetric)),
            ]
            if let finalGradNorm { f.append(("grad_norm", .number(finalGradNorm))) }
            fields.append(("final", .object(f)))
        }
        if let d = outcome?.divergence {
            fields.append(("divergence", .object([
                ("step", .number(Double(d.step))),
                ("epoch", .number(Double(d.epoch))),
                ("lr", .number(d.lr)),
                ("loss", number(d.loss)),
                ("grad_norm", number(d.gradNorm)),
                ("reason", .string(d.reason)),
                ("hint", .string(d.hint)),
            ])))
        } else {
            fields.append(("divergence", .null))
        }
        if outcome != nil {
            fields.append(("reference", reference?.json() ?? .null))
            fields.append(("diagnosis", diagnosis?.json() ?? .null))
        }
        fields.append(("data", .object([
            ("path", .string(dataPath)),
            ("rows", .number(Double(data.rowCount))),
            ("train_rows", .number(Double(data.trainRows.count))),
            ("val_rows", .number(Double(data.validationRows.count))),
            ("features", .number(Double(data.featureCount))),
            ("classes", data.classes.map { .array($0.map { .string($0) }) } ?? .null),
        ])))
        if let synthetic { fields.append(("synthetic", synthetic.json())) }
        fields.append(("timing", .object([
            ("load_seconds", .number(loadSeconds)),
            ("train_seconds", .number(trainSeconds)),
            ("loop_seconds", .number(max(trainSeconds - (outcome?.evaluationSeconds ?? 0), 0))),
            ("epoch_eval_seconds", .number(outcome?.evaluationSeconds ?? 0)),
            ("reference_seconds", .number(referenceSeconds)),
            ("total_seconds", .number(totalSeconds)),
        ])))
        fields.append(("environment", environment.json(seed: config.seed)))
        return .object(fields)
    }

    func number(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }

    /// The one-screen summary printed by `trainer run`.
    func text(status: RunStatus) -> String {
        var lines: [String] = []
        lines.append("run        \(directory.path)")
        lines.append("status     \(status.rawValue)\(outcome.map { " (\($0.stopReason))" } ?? "")")
        lines.append("model      \(config.model.type.rawValue) on \(data.rowCount) rows × \(data.featureCount) features\(data.classes.map { ", \($0.count) classes" } ?? "") (train \(data.trainRows.count), validation \(data.validationRows.count))")
        lines.append("optimizer  \(config.optimizer.type.rawValue), lr \(fmt(config.optimizer.lr)), batch \(batchText), \(outcome?.steps ?? 0) steps in \(outcome?.epochsCompleted ?? 0) epochs")
        if let final {
            let metric = isClassifier ? "accuracy" : "R²"
            lines.append("loss       train \(fmt(final.trainLoss))   validation \(fmt(final.valLoss))")
            lines.append("\(metric.padding(toLength: 10, withPad: " ", startingAt: 0)) train \(fmt(final.trainMetric))   validation \(fmt(final.valMetric))")
        }
        if let finalGradNorm { lines.append("‖∇f‖      \(fmt(finalGradNorm)) (full batch, final weights)") }
        if let reference { lines += reference.textLines() }
        if let synthetic { lines += synthetic.textLines() }
        if let diagnosis { lines += diagnosis.textLines() }
        if let div = outcome?.divergence {
            lines.append("diverged   step \(div.step) (epoch \(div.epoch)), lr \(fmt(div.lr)), ‖g‖ \(fmt(div.gradNorm)): \(div.reason)")
            lines.append("hint       \(div.hint)")
        }
        lines.append(String(format: "time       load %.3f s, train %.3f s, reference %.3f s", loadSeconds, trainSeconds, referenceSeconds))
        return lines.joined(separator: "\n")
    }

    var batchText: String {
        switch config.training.batchSize {
        case .full: return "full"
        case .size(let n): return "\(n)" + (config.training.accumulationSteps > 1 ? " × \(config.training.accumulationSteps) accumulated" : "")
        }
    }
}

/// Numbers for people: 6 significant digits.
func fmt(_ x: Double) -> String {
    if x.isNaN { return "–" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return String(format: "%.6g", x)
}
