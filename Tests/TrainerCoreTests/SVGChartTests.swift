import Foundation
import Testing
@testable import TrainerCore

@Suite struct SVGChartTests {
    @Test func tickLabels() {
        #expect(SVGLineChart.label(0) == "0")
        #expect(SVGLineChart.label(0.25) == "0.25")
        #expect(SVGLineChart.label(0.1 + 0.2) == "0.3")
        #expect(SVGLineChart.label(1500) == "1500")
        // "%.0e" used to round these to one digit: 2.5e-4 was labelled 2e-04.
        #expect(SVGLineChart.label(2.5e-4) == "2.5e-4")
        #expect(SVGLineChart.label(-2e-5) == "-2e-5")
        #expect(SVGLineChart.label(1e6) == "1e6")
        #expect(SVGLineChart.label(1.25e12) == "1.25e12")
        #expect(SVGLineChart.label(10000, exponentFrom: 1e4) == "1e4")
    }

    @Test func niceTicksAreExactRoundNumbers() {
        #expect(SVGLineChart.niceTicks(0, 1, count: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(SVGLineChart.niceTicks(-0.35, 0.35, count: 7) == [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3])
        #expect(SVGLineChart.niceTicks(1, 1500, count: 6) == [250, 500, 750, 1000, 1250, 1500])
        // A step axis over two steps: whole numbers only.
        #expect(SVGLineChart.niceTicks(1, 2, count: 6, minStep: 1) == [1, 2])
        #expect(SVGLineChart.niceTicks(1, 2, count: 6) == [1, 1.2, 1.4, 1.6, 1.8, 2])
    }

    @Test func niceTicksTerminateOnHostileRanges() {
        // Adding the step to 1e300 would not change it; the old loop never ended.
        #expect(SVGLineChart.niceTicks(1e300, 1e300 * (1 + 1e-14), count: 6).count <= 51)
        #expect(SVGLineChart.niceTicks(.nan, 1, count: 6).isEmpty)
        #expect(SVGLineChart.niceTicks(0, .infinity, count: 6) == [0])
        #expect(SVGLineChart.logTicks(-.infinity, 3).isEmpty)
    }

    @Test func logTicks() {
        // Under 3.5 decades: 1-2-5 ticks.
        #expect(SVGLineChart.logTicks(log10(0.004), log10(1.3)) == [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1])
        // 20 decades: every third decade, at most 8 ticks.
        let wide = SVGLineChart.logTicks(-10, 10)
        #expect(wide.count <= 8 && wide.count >= 5)
        #expect(wide.first == 1e-10)
        // Within one decade and no 1-2-5 value inside: round linear ticks.
        #expect(SVGLineChart.logTicks(log10(2851), log10(2990)) == [2900, 2950])
    }

    static func chart(_ y: [Double], logY: Bool = true, title: String = "T") -> SVGLineChart {
        SVGLineChart(title: title, xLabel: "step", yLabel: "y", logY: logY, series: [
            SVGLineChart.Series(name: "a", x: y.indices.map(Double.init), y: y),
        ])
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func chartsInOnePageHaveDistinctClipPaths() {
        let a = Self.chart([1, 2], title: "Loss").render(), b = Self.chart([1, 2], title: "Gradient norm").render()
        #expect(a.contains("<clipPath id=\"clip-loss\">") && a.contains("url(#clip-loss)"))
        #expect(b.contains("<clipPath id=\"clip-gradient-norm\">"))
    }

    @Test func renderingIsDeterministic() {
        let c = Self.chart((1...3000).map { 1 / Double($0) + 0.001 * sin(Double($0)) })
        #expect(c.render() == c.render())
    }

    @Test func undrawableValuesBreakTheLine() {
        // NaN in the middle, and 0 / a negative value on a log axis: three runs of points.
        let svg = Self.chart([1, 2, .nan, 3, 4, 0, 5, -1, 6, 7]).render()
        let path = svg.split(separator: "\n").first { $0.hasPrefix("<path") } ?? ""
        #expect(Self.count("M", in: String(path)) == 4)  // [1,2] [3,4] [5] [6,7]
        #expect(!svg.contains("nan"))
    }

    @Test func nothingDrawableSaysSo() {
        let svg = Self.chart([0, -1, .nan]).render()
        #expect(svg.contains("no finite positive values to plot"))
        var c = Self.chart([])
        c.emptyMessage = "no epoch completed"
        #expect(c.render().contains(">no epoch completed</text>"))
        let huge = Self.chart([-1e308, 1e308], logY: false).render()
        #expect(huge.contains("values too large to plot on a linear axis"))
    }

    @Test func constantLinearSeriesStaysPositive() {
        var c = Self.chart([0.1, 0.1, 0.1], logY: false)
        c.includeZero = true
        let svg = c.render()
        #expect(!svg.contains(">-"))  // no negative tick labels around a positive constant
        #expect(svg.contains(">0</text>") && svg.contains(">0.1</text>"))
    }

    @Test func textIsEscaped() {
        let svg = Self.chart([1, 2], title: "a < b & \"c\"").render()
        #expect(svg.contains("a &lt; b &amp; &quot;c&quot;"))
    }

    @Test func thinningKeepsSpikes() {
        var points = (0..<10_000).map { (Double($0), 1.0) }
        points[7777].1 = 1000
        let thin = SVGLineChart.thinned(points, maxPoints: 300)
        #expect(thin.count <= 301)
        #expect(thin.contains { $0.0 == 7777 && $0.1 == 1000 })
        #expect(thin.last! == (9999, 1))
    }

    static func steps(_ norms: [Double], clipAt: Double? = nil) -> [StepRecord] {
        norms.enumerated().map { i, g in
            var s = DiagnosisTests.step(i + 1, epoch: 1, norm: g, loss: g)
            if let clipAt, g > clipAt {
                s.clippedGradNorm = clipAt
                s.clipCoefficient = clipAt / g
            }
            return s
        }
    }

    @Test func gradNormChartMarksClippedSteps() {
        let steps = Self.steps([5, 3, 0.5, 0.4, 2, 0.3, 0.2, 0.2], clipAt: 1)
        let chart = RunCharts.gradNorm(steps: steps, clipNorm: 1)
        #expect(chart.series.map(\.name) == ["‖g‖ before clipping", "‖g‖ after clipping", "median of previous 25", "clipping fired (3 logged steps)"])
        #expect(chart.series[3].x == [1, 2, 5])
        #expect(chart.series[1].y == [1, 1, 0.5, 0.4, 1, 0.3, 0.2, 0.2])
        #expect(chart.note == nil)
        #expect(Self.count("<circle", in: chart.render()) == 3 + 1)  // the dots and the legend's dot
        #expect(chart.render().contains("clip_norm = 1"))
    }

    @Test func gradNormChartWithoutClippingDrawsOneLine() {
        let chart = RunCharts.gradNorm(steps: Self.steps([3, 2]), clipNorm: nil)
        #expect(chart.series.map(\.name) == ["‖g‖ (= after clipping)"])  // too short for a running median
        #expect(chart.note == "no clipping configured: ‖g‖ after clipping equals ‖g‖")
    }

    @Test func objectiveGapClampsRoundingAndSaysSo() {
        let epochs = [2.0, 1.5, 1.0 + 1e-13, 1.0 - 1e-15].enumerated().map { i, loss in
            EpochRecord(epoch: i + 1, step: (i + 1) * 10, trainLoss: loss, valLoss: .nan, trainMetric: 0, valMetric: .nan)
        }
        let chart = RunCharts.objectiveGap(epochs: epochs, optimum: 1)
        let floor = 2e-12  // 1e-12 · (1 + |f*|)
        #expect(chart.series[0].y == [1, 0.5, floor, floor])
        #expect(chart.series[1].name == "≤ floor, clamped (2 epochs)")
        #expect(chart.series[1].x == [30, 40])
        #expect(chart.horizontalLine?.value == floor)
        #expect(chart.note == "f* = 1; gaps ≤ 2e-12 (including ≤ 0 from rounding) would be drawn at that floor (2 epochs are)")
        #expect(chart.render().contains("rounding floor 2e-12"))
    }

    @Test func objectiveGapFarFromTheFloorHasNoFloorLine() {
        let epochs = [EpochRecord(epoch: 1, step: 5, trainLoss: 3, valLoss: .nan, trainMetric: 0, valMetric: .nan),
                      EpochRecord(epoch: 2, step: 10, trainLoss: 2, valLoss: .nan, trainMetric: 0, valMetric: .nan)]
        let chart = RunCharts.objectiveGap(epochs: epochs, optimum: 1)
        #expect(chart.horizontalLine == nil)
        #expect(chart.series.count == 1)
        #expect(RunCharts.objectiveGap(epochs: [], optimum: 1).render().contains("no epoch completed: no per-epoch gap to plot"))
    }
}

/// The charts' coordinate text must be exactly printf's "%.1f".
struct FixedPointTextTests {
    @Test func oneDecimalIsPrintfForEveryKindOfValue() {
        var values: [Double] = [0, -0.0, 0.05, -0.05, 0.25, -0.25, 0.75, 1.25, 2.5, 0.15, 0.35, 0.45, 0.95, 9.95, 99.95,
                                1e-300, -1e-300, .leastNonzeroMagnitude, 0x1p49, -0x1p49, 0x1p50, 1e20, -1e20,
                                .infinity, -.infinity, .nan, 123.456, -987.654, 0.049999999999999996, 0.04999999999999999]
        // Every multiple of 0.05 and 0.01 in [-50, 50] (ties and near-ties), and their neighbours.
        for k in -5000...5000 {
            for x in [Double(k) / 100, Double(k) * 0.01, Double(k) / 20] {
                values += [x, x.nextUp, x.nextDown]
            }
        }
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<100_000 {
            let scale = Foundation.pow(10, Double(Int(rng.next() % 12) - 4))
            values.append((rng.nextUnitDouble() * 2 - 1) * scale)
        }
        for v in values {
            #expect(FixedPointText.oneDecimal(v) == String(format: "%.1f", v), "v = \(v)")
        }
    }
}
