import Foundation

/// `trainer compare`: several runs side by side, one row per run (rows stay readable for ten
/// runs, where ten columns of numbers would not fit a terminal), plus an overlay SVG of the
/// per-step training loss.
public struct RunComparison: Sendable {
    public var runs: [SavedRun]

    public init(runs: [SavedRun]) {
        self.runs = runs
    }

    /// Row labels: folder names, or the paths when two runs share a folder name.
    public var labels: [String] {
        let names = runs.map(\.name)
        return runs.map { Set(names).count == names.count ? $0.name : $0.directory.path }
    }

    /// The header of the metric column: accuracy for classifiers, R² for regression.
    var metricHeader: String {
        let kinds = Set(runs.map { $0.summary.final?.metricName ?? ($0.summary.model == "linear" ? "r2" : "accuracy") })
        if kinds == ["r2"] { return "val R²" }
        if kinds == ["accuracy"] { return "val acc" }
        return "val acc/R²"
    }

    /// The table's cells, header row first.
    public func cells() -> [[String]] {
        let header = ["run", "status", "model", "optimizer", "lr", "batch", "steps", "train loss", "val loss",
                      metricHeader, "gap f−f*", "rel ‖θ−θ*‖", "train s"]
        var rows = [header]
        for (run, label) in zip(runs, labels) {
            let s = run.summary, set = run.settings
            let metric: String
            if let f = s.final {
                metric = (f.valMetric ?? f.trainMetric).map(short) ?? "–"
            } else {
                metric = "–"
            }
            let gap: String
            if let r = s.reference {
                gap = r.skipped != nil ? "skipped" : (r.objectiveGap.map(short) ?? "–")
            } else {
                gap = "–"
            }
            rows.append([
                label, s.status, s.model ?? "?", set?.optimizer ?? "?", set?.lr.map(short) ?? "?", set?.batch ?? "?",
                s.steps.map(String.init) ?? run.steps?.steps.last.map { "\($0)…" } ?? "?",
                s.final?.trainLoss.map(short) ?? "–", s.final?.valLoss.map(short) ?? "–", metric, gap,
                s.reference?.relativeWeightDistance.map(short) ?? "–",
                s.timing?.train.map { String(format: "%.3f", $0) } ?? "–",
            ])
        }
        return rows
    }

    /// The table as aligned text: text columns left-aligned, numbers right-aligned.
    public func table() -> String {
        let rows = cells()
        let columnCount = rows[0].count
        let widths = (0..<columnCount).map { c in rows.map { $0[c].count }.max() ?? 0 }
        let leftAligned: Set<Int> = [0, 1, 2, 3, 5]
        var lines: [String] = []
        for (i, row) in rows.enumerated() {
            let padded = row.enumerated().map { c, cell in
                let fill = String(repeating: " ", count: widths[c] - cell.count)
                return leftAligned.contains(c) ? cell + fill : fill + cell
            }
            lines.append(padded.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            if i == 0 { lines.append(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object per run with the table's values as numbers.
    public func json() -> JSONValue {
        func n(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        return .array(zip(runs, labels).map { run, label in
            let s = run.summary
            return .object([
                ("run", .string(label)),
                ("run_dir", .string(run.directory.path)),
                ("status", .string(s.status)),
                ("model", s.model.map { .string($0) } ?? .null),
                ("optimizer", run.settings?.optimizer.map { .string($0) } ?? .null),
                ("lr", n(run.settings?.lr)),
                ("batch", run.settings?.batch.map { .string($0) } ?? .null),
                ("steps", s.steps.map { .number(Double($0)) } ?? .null),
                ("train_loss", n(s.final?.trainLoss)),
                ("val_loss", n(s.final?.valLoss)),
                ("metric", s.final.map { .string($0.metricName) } ?? .null),
                ("val_metric", n(s.final?.valMetric)),
                ("objective_gap", n(s.reference?.objectiveGap)),
                ("relative_weight_distance", n(s.reference?.relativeWeightDistance)),
                ("train_seconds", n(s.timing?.train)),
            ])
        })
    }

    /// An SVG of every run's per-step training loss on one log-scale axis; runs without
    /// `metrics.csv` are left out (and listed in `missing`).
    public func lossChart() -> (svg: String, missing: [String]) {
        var series: [SVGLineChart.Series] = []
        var missing: [String] = []
        for (run, label) in zip(runs, labels) {
            guard let steps = run.steps, !steps.steps.isEmpty else { missing.append(label); continue }
            series.append(SVGLineChart.Series(name: label, x: steps.steps.map(Double.init), y: steps.loss))
        }
        let chart = SVGLineChart(title: "Training loss per step", xLabel: "step", yLabel: "mini-batch loss", logY: true, series: series)
        return (chart.render(), missing)
    }

    /// 4 significant digits: enough to tell runs apart in a table.
    func short(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return String(format: "%.4g", x)
    }
}
