import Foundation

/// The charts of a run folder, built from its logs. All share the step axis, so a feature at
/// step s lines up across `loss.svg`, `grad_norm.svg`, `lr.svg` and `objective_gap.svg`.
public enum RunCharts {
    /// Gaps f(θ) − f* at or below this multiple of (1 + |f*|) are rounding noise (the floor
    /// `ReferenceComparison.measuredContraction` uses too); they are drawn at the floor.
    public static let gapFloorScale = 1e-12
    /// The floor is drawn as a line once the smallest gap is within this factor of it.
    static let nearFloorFactor = 100.0
    /// Size of every run chart, in pixels.
    public static let chartWidth = 600.0
    public static let chartHeight = 360.0

    /// The charts a run gets, as (file name, chart); `objective_gap.svg` only with a reference
    /// optimum.
    public static func all(_ record: RunRecord) -> [(file: String, chart: SVGLineChart)] {
        var charts: [(file: String, chart: SVGLineChart)] = [
            ("loss.svg", loss(steps: record.steps, epochs: record.epochs)),
            ("grad_norm.svg", gradNorm(steps: record.steps, clipNorm: record.config.training.clipNorm)),
            ("lr.svg", learningRate(steps: record.steps)),
        ]
        if let optimum = record.reference?.solution?.objective {
            charts.append(("objective_gap.svg", objectiveGap(epochs: record.epochs, optimum: optimum)))
        }
        // 600 px wide: two charts side by side in report.html at their natural size, so tick
        // labels are not scaled down below legibility.
        for i in charts.indices {
            charts[i].chart.width = chartWidth
            charts[i].chart.height = chartHeight
        }
        return charts
    }

    /// Per-step mini-batch loss (thin, faint: it is noisy) under the per-epoch full-pass
    /// training and validation losses, log scale.
    public static func loss(steps: [StepRecord], epochs: [EpochRecord]) -> SVGLineChart {
        var series = [
            SVGLineChart.Series(name: "step loss (mini-batch)", x: steps.map { Double($0.step) }, y: steps.map(\.loss),
                                color: "#56B4E9", lineWidth: 1, opacity: 0.7),
            SVGLineChart.Series(name: "train loss (epoch)", x: epochs.map { Double($0.step) }, y: epochs.map(\.trainLoss), color: "#0072B2", lineWidth: 2.2),
        ]
        if epochs.contains(where: { !$0.valLoss.isNaN }) {
            series.append(SVGLineChart.Series(name: "validation loss (epoch)", x: epochs.map { Double($0.step) }, y: epochs.map(\.valLoss), color: "#D55E00", lineWidth: 2.2))
        }
        var chart = SVGLineChart(title: "Loss", xLabel: "step", yLabel: "loss", logY: true, series: series)
        chart.idPrefix = "loss"
        chart.integerX = true
        return chart
    }

    /// ‖g‖ before and after clipping, with the steps where clipping fired marked and the
    /// running median the spike rule compares against, log scale. When clipping never changed a
    /// logged gradient the two norms are equal, so one line is drawn and the note says so.
    public static func gradNorm(steps: [StepRecord], clipNorm: Double?) -> SVGLineChart {
        let x = steps.map { Double($0.step) }
        let clipped = steps.filter { $0.clipCoefficient < 1 || $0.clippedGradNorm < $0.gradNorm }
        var series: [SVGLineChart.Series] = []
        if clipped.isEmpty {
            series.append(SVGLineChart.Series(name: "‖g‖ (= after clipping)", x: x, y: steps.map(\.gradNorm), color: "#0072B2", lineWidth: 1, opacity: 0.8))
        } else {
            series.append(SVGLineChart.Series(name: "‖g‖ before clipping", x: x, y: steps.map(\.gradNorm), color: "#0072B2", lineWidth: 1, opacity: 0.8))
            series.append(SVGLineChart.Series(name: "‖g‖ after clipping", x: x, y: steps.map(\.clippedGradNorm), color: "#E69F00", lineWidth: 1.4))
        }
        let finite = steps.filter { $0.gradNorm.isFinite && !$0.skipped }
        if finite.count > Diagnosis.spikeMinHistory {
            series.append(SVGLineChart.Series(
            name: "median of previous \(Diagnosis.spikeWindow)", x: finite.map { Double($0.step) },
            y: Diagnosis.runningMedians(finite.map(\.gradNorm)), color: "#000000", lineWidth: 1.4, dash: "6 3"))
        }
        if !clipped.isEmpty {
            series.append(SVGLineChart.Series(name: "clipping fired (\(clipped.count) logged steps)", x: clipped.map { Double($0.step) }, y: clipped.map(\.gradNorm), color: "#D55E00", dots: true))
        }
        var chart = SVGLineChart(title: "Gradient norm", xLabel: "step", yLabel: "‖g‖", logY: true, series: series)
        if let clipNorm { chart.horizontalLine = (clipNorm, "clip_norm = \(SVGLineChart.label(clipNorm))") }
        if clipped.isEmpty { chart.note = clipNorm == nil ? "no clipping configured: ‖g‖ after clipping equals ‖g‖" : "clipping never fired on a logged step" }
        chart.idPrefix = "grad-norm"
        chart.integerX = true
        return chart
    }

    /// The learning rate of every logged step, linear scale from 0.
    public static func learningRate(steps: [StepRecord]) -> SVGLineChart {
        var chart = SVGLineChart(title: "Learning rate", xLabel: "step", yLabel: "lr", series: [
            SVGLineChart.Series(name: "lr", x: steps.map { Double($0.step) }, y: steps.map(\.lr), color: "#009E73"),
        ])
        chart.includeZero = true
        chart.idPrefix = "lr"
        chart.integerX = true
        return chart
    }

    /// f(θ) − f* at the end of every epoch, log scale. A log axis cannot show gaps ≤ 0 (which
    /// rounding produces once training reaches f*), so gaps below the rounding floor
    /// `gapFloorScale` · (1 + |f*|) are clamped to it, drawn as separate dots, and the chart says so.
    public static func objectiveGap(epochs: [EpochRecord], optimum: Double) -> SVGLineChart {
        let floor = gapFloorScale * (1 + abs(optimum))
        let x = epochs.map { Double($0.step) }
        let gaps = epochs.map { $0.trainLoss - optimum }
        let below = epochs.indices.filter { gaps[$0].isFinite && gaps[$0] <= floor }
        var series = [
            SVGLineChart.Series(name: "f(θ) − f* (epoch)", x: x, y: gaps.map { $0.isFinite ? max($0, floor) : $0 }, color: "#CC79A7", lineWidth: 2),
        ]
        if !below.isEmpty {
            series.append(SVGLineChart.Series(name: "≤ floor, clamped (\(below.count) epochs)", x: below.map { x[$0] }, y: below.map { _ in floor }, color: "#000000", dots: true, dotRadius: 1.5))
        }
        var chart = SVGLineChart(title: "Objective gap to the reference optimum", xLabel: "step (end of each epoch)", yLabel: "f(θ) − f*", logY: true, series: series)
        // The floor line only when the gap comes near it: otherwise it would stretch the axis
        // over empty decades and squash the curve.
        let smallest = gaps.filter(\.isFinite).min() ?? .infinity
        if smallest <= nearFloorFactor * floor {
            chart.horizontalLine = (floor, "rounding floor \(SVGLineChart.label(floor))")
        }
        chart.note = "f* = \(fmt(optimum)); gaps ≤ \(SVGLineChart.label(floor)) (including ≤ 0 from rounding) would be drawn at that floor"
            + (below.isEmpty ? "" : " (\(below.count) epochs are)")
        chart.emptyMessage = epochs.isEmpty ? "no epoch completed: no per-epoch gap to plot" : nil
        chart.idPrefix = "objective-gap"
        chart.integerX = true
        return chart
    }
}
