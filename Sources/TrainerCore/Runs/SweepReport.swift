/// The comparison of a sweep's members: `sweep.csv`, `sweep.md`, the printed table and the
/// overlay charts.
///
/// Columns: each swept key, `status`, `final_loss` (f), `objective_gap` (f − f*),
/// `relative_gap` ((f − f*)/|f*|), `weight_distance` (‖θ − θ*‖), `steps_to_tolerance` (first
/// step with relative gap ≤ 1e-6; empty or "—" when never), `measured_contraction` and
/// `predicted_contraction` (per-step factor on the distance to θ*, see `ReferenceComparison`),
/// `max_stable_lr` (2/λ_max), `run_dir`.
struct SweepReport {
    let plan: SweepPlan
    let members: [SweepMemberResult]
    let tolerance: Double

    var keys: [String] { plan.base.sweep.axes.map(\.path) }

    /// CSV field: quoted when it holds a comma, quote or newline.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    func csvNumber(_ x: Double?) -> String { x.map(format) ?? "" }

    func csv() -> String {
        var lines = [(keys + ["status", "final_loss", "objective", "objective_gap", "relative_gap", "weight_distance", "steps_to_tolerance", "measured_contraction", "predicted_contraction", "max_stable_lr", "run_dir"]).joined(separator: ",")]
        for m in members {
            var cells = m.member.assignments.map { Self.field($0.valueText) }
            cells.append(Self.field(m.statusText(tolerance: tolerance)))
            cells += [m.finalLoss, m.optimum, m.objectiveGap, m.relativeGap, m.weightDistance].map(csvNumber)
            cells.append(m.stepsToReach(tolerance).map(String.init) ?? "")
            cells += [m.measuredContraction, m.predictedContraction, m.maxStableLearningRate].map(csvNumber)
            cells.append(Self.field(m.runDirectory ?? ""))
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func text(_ x: Double?) -> String { x.map(fmt) ?? "—" }

    /// The Markdown table (also what the terminal shows).
    func table() -> String {
        let header = keys + ["status", "final loss", "gap f − f*", "‖w − ŵ‖", "steps to 1e-6", "contraction measured", "predicted"]
        var lines = ["| " + header.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: header.count)]
        for m in members {
            var cells = m.member.assignments.map(\.valueText)
            cells.append(m.statusText(tolerance: tolerance))
            cells += [text(m.finalLoss), text(m.objectiveGap), text(m.weightDistance)]
            cells.append(m.stepsToReach(tolerance).map(String.init) ?? "—")
            cells += [text(m.measuredContraction), text(m.predictedContraction)]
            lines.append("| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        if let spectrum = sharedSpectrum {
            lines.append("")
            lines.append("Hessian eigenvalues (all members): λ_max \(fmt(spectrum.max)), λ_min \(fmt(spectrum.min)); gradient descent is stable for lr < 2/λ_max = \(fmt(2 / spectrum.max)).")
        }
        lines.append("Steps to 1e-6: first step with (f − f*)/f* ≤ 1e-6. Contraction: per-step factor of ‖θ − θ*‖, predicted max|1 − lr·λᵢ|.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// λ_max, λ_min when every member that has them agrees (the sweep did not change the data).
    var sharedSpectrum: (max: Double, min: Double)? {
        let pairs = members.compactMap { m -> (Double, Double)? in
            guard let a = m.lambdaMax, let b = m.lambdaMin else { return nil }
            return (a, b)
        }
        guard let first = pairs.first, pairs.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    /// f* when every member has the same one.
    var sharedOptimum: Double? {
        let optima = members.compactMap(\.optimum)
        guard let first = optima.first, optima.count == members.count, optima.allSatisfy({ $0 == first }) else { return nil }
        return first
    }

    func markdown() -> String {
        var text = "# Sweep \(plan.base.name)\n\nConfig: `\(plan.configPath)`; swept: \(keys.map { "`\($0)`" }.joined(separator: ", ")).\n\n"
        text += table()
        text += "\nCharts: `sweep_loss.svg` (training loss per step), `sweep_gap.svg` (relative gap to the optimum).\n"
        return text
    }

    func legend(_ m: SweepMemberResult) -> String {
        m.member.assignments.map { "\($0.path.split(separator: ".").last.map(String.init) ?? $0.path)=\($0.valueText)" }.joined(separator: ", ")
    }

    /// Training loss against the step, one line per member, log scale.
    func lossChart() -> SVGLineChart {
        var chart = SVGLineChart(
            title: "\(plan.base.name): training loss per step", xLabel: "step", yLabel: "training loss", logY: true,
            series: members.map { m in
                SVGLineChart.Series(name: legend(m), x: m.curve.map { Double($0.step) }, y: m.curve.map(\.loss))
            })
        if let optimum = sharedOptimum, optimum > 0 {
            chart.horizontalLine = (optimum, "f* = \(fmt(optimum)) (reference)")
        }
        return chart
    }

    /// (f − f*)/|f*| against the step, one line per member, log scale, with the tolerance.
    func gapChart() -> SVGLineChart {
        var chart = SVGLineChart(
            title: "\(plan.base.name): relative gap to the optimum", xLabel: "step", yLabel: "(f − f*) / f*", logY: true,
            series: members.map { m in
                let optimum = m.optimum ?? .nan
                return SVGLineChart.Series(
                    name: legend(m), x: m.curve.map { Double($0.step) },
                    y: m.curve.map { SweepMemberResult.relativeGap($0.loss, optimum: optimum) })
            })
        chart.horizontalLine = (tolerance, "tolerance \(fmt(tolerance))")
        return chart
    }
}
