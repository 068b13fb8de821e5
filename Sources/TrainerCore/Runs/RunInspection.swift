import Foundation

/// What `trainer inspect` prints about one run folder: the summary, the diagnosis and charts
/// of the per-step loss and gradient norm, as text or as one JSON document.
public struct RunInspection: Sendable {
    public var run: SavedRun
    /// Chart width in columns.
    public var width: Int
    /// Chart height in lines (1 = sparkline).
    public var height: Int

    public init(run: SavedRun, width: Int = 60, height: Int = 3) {
        self.run = run
        self.width = width
        self.height = height
    }

    /// The text report.
    public func text() -> String {
        let s = run.summary
        var lines: [String] = []
        lines.append("run        \(run.directory.path)")
        lines.append("status     \(s.status)\(s.stopReason.map { " (\($0))" } ?? "")")
        var model = s.model ?? "unknown model"
        if let d = s.data {
            model += " on \(d.rows.map(String.init) ?? "?") rows × \(d.features.map(String.init) ?? "?") features"
            if let classes = d.classes { model += ", \(classes.count) classes" }
            model += " (train \(d.trainRows.map(String.init) ?? "?"), validation \(d.valRows.map(String.init) ?? "?"))"
        }
        lines.append("model      \(model)")
        if let data = s.data?.path { lines.append("data       \(data)") }
        var optimizer = run.settings?.optimizer ?? "unknown optimizer"
        if let set = run.settings {
            if let lr = set.lr { optimizer += ", lr \(fmt(lr))" }
            if let schedule = set.schedule, schedule != "constant" { optimizer += " (\(schedule) schedule)" }
            if let batch = set.batch { optimizer += ", batch \(batch)" }
            if let l2 = set.l2, l2 > 0 { optimizer += ", l2 \(fmt(l2))" }
            if let l1 = set.l1, l1 > 0 { optimizer += ", l1 \(fmt(l1))" }
        }
        lines.append("optimizer  \(optimizer)")
        var steps = "\(s.steps.map(String.init) ?? "?")"
        if let planned = s.plannedSteps { steps += " of \(planned)" }
        steps += " steps in \(s.epochsCompleted.map(String.init) ?? "?") epochs"
        if let skipped = s.skippedSteps, skipped > 0 { steps += ", \(skipped) skipped" }
        if let clipped = s.clippedSteps, clipped > 0 { steps += ", \(clipped) clipped" }
        if let restored = s.restoredEpoch { steps += ", weights restored from epoch \(restored)" }
        if s.steps != nil { lines.append("steps      \(steps)") } else if let last = run.steps?.steps.last {
            lines.append("steps      \(last) logged so far")
        }
        if let f = s.final {
            let metric = f.metricName == "r2" ? "R²" : "accuracy"
            lines.append("loss       train \(fmt(f.trainLoss ?? .nan))   validation \(fmt(f.valLoss ?? .nan))")
            lines.append("\(metric.padding(toLength: 10, withPad: " ", startingAt: 0)) train \(fmt(f.trainMetric ?? .nan))   validation \(fmt(f.valMetric ?? .nan))")
            if let g = f.gradNorm { lines.append("‖∇f‖      \(fmt(g)) (full batch, final weights)") }
        } else {
            lines.append("loss       no final losses yet (status \(s.status))")
        }
        if let r = s.reference {
            if let skipped = r.skipped {
                lines.append("reference  skipped: \(skipped)")
            } else {
                lines.append("reference  f* = \(fmt(r.objective ?? .nan)) (\(r.method ?? "?")); gap f − f* = \(fmt(r.objectiveGap ?? .nan)); ‖θ − θ*‖ = \(fmt(r.weightDistance ?? .nan)) (relative \(fmt(r.relativeWeightDistance ?? .nan)))")
                if let lambdaMax = r.lambdaMax {
                    var h = "hessian    λ_max \(fmt(lambdaMax)), λ_min \(fmt(r.lambdaMin ?? .nan)), stable lr < \(fmt(r.maxStableLR ?? .nan))"
                    if let p = r.predictedContraction { h += "; contraction predicted \(fmt(p))" }
                    if let m = r.measuredContraction { h += ", measured \(fmt(m))" }
                    lines.append(h)
                }
            }
        }
        if let d = s.divergence {
            lines.append("diverged   step \(d.step.map(String.init) ?? "?") (epoch \(d.epoch.map(String.init) ?? "?")), lr \(fmt(d.lr ?? .nan)), ‖g‖ \(fmt(d.gradNorm ?? .nan)): \(d.reason ?? "")")
            if let hint = d.hint { lines.append("hint       \(hint)") }
        }
        if let t = s.timing {
            lines.append(String(format: "time       load %.3f s, train %.3f s, reference %.3f s, total %.3f s",
                                t.load ?? .nan, t.train ?? .nan, t.reference ?? .nan, t.total ?? .nan))
        }
        switch run.model {
        case .success(let m):
            let classes = m.classes.map { ", classes " + $0.joined(separator: ", ") } ?? ""
            lines.append("model.json \(m.kind.rawValue), \(m.features.count) features, target \"\(m.target)\"\(classes)")
        case .failure(let e):
            lines.append("model.json \(e.reason)")
        }
        lines.append("")
        if let diagnosis = s.diagnosis {
            lines += diagnosis.textLines()
        } else {
            lines.append("diagnosis  none in summary.json (the run has not finished)")
        }
        lines.append("")
        if let series = run.steps {
            lines += TerminalChart(title: "training loss per step", x: series.steps, y: series.loss, width: width, height: height).render()
            lines.append("")
            lines += TerminalChart(title: "gradient norm ‖g‖ per step", x: series.steps, y: series.gradNorm, width: width, height: height).render()
        } else {
            lines.append("charts     no metrics.csv in the run folder")
        }
        return lines.joined(separator: "\n")
    }

    /// The same information as one JSON document: `run_dir`, `name`, `summary` (summary.json as
    /// written), `settings`, `model` (`present` and `problem`), and `series` — the per-step
    /// `step`, `loss` and `grad_norm` downsampled to at most `maxPoints` points (each bucket's
    /// first point and extremes kept), with `logged_points` saying how many there were.
    public func json(maxPoints: Int = 500) -> JSONValue {
        func n(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        var fields: [(String, JSONValue)] = [
            ("run_dir", .string(run.directory.path)),
            ("name", .string(run.name)),
            ("summary", run.summary.document),
        ]
        if let set = run.settings {
            fields.append(("settings", .object([
                ("optimizer", set.optimizer.map { .string($0) } ?? .null),
                ("lr", n(set.lr)),
                ("batch", set.batch.map { .string($0) } ?? .null),
                ("schedule", set.schedule.map { .string($0) } ?? .null),
                ("l2", n(set.l2)),
                ("l1", n(set.l1)),
            ])))
        } else {
            fields.append(("settings", .null))
        }
        switch run.model {
        case .success: fields.append(("model", .object([("present", .bool(true)), ("problem", .null)])))
        case .failure(let e): fields.append(("model", .object([("present", .bool(false)), ("problem", .string(e.description))])))
        }
        if let series = run.steps {
            let byLoss = series.downsampledIndices(maxPoints: maxPoints / 2, by: series.loss)
            let byGrad = series.downsampledIndices(maxPoints: maxPoints / 2, by: series.gradNorm)
            let indices = Array(Set(byLoss).union(byGrad)).sorted()
            fields.append(("series", .object([
                ("logged_points", .number(Double(series.steps.count))),
                ("points", .number(Double(indices.count))),
                ("downsampled", .bool(indices.count < series.steps.count)),
                ("step", .array(indices.map { .number(Double(series.steps[$0])) })),
                ("loss", .array(indices.map { n(series.loss[$0]) })),
                ("grad_norm", .array(indices.map { n(series.gradNorm[$0]) })),
            ])))
        } else {
            fields.append(("series", .null))
        }
        return .object(fields)
    }
}
