import Testing
@testable import TrainerCore

@Suite("Terminal chart")
struct TerminalChartTests {
    @Test func logScaleSparklineOfDecades() {
        // log10 = 0, 1, 2, 3 → positions 0, 1/3, 2/3, 1 → 1 + round(7t) eighths = 1, 3, 6, 8
        #expect(TerminalChart.sparkline([1, 10, 100, 1000], width: 60, logScale: true) == "▁▃▆█")
    }

    @Test func linearScaleUsesAllEightLevels() {
        #expect(TerminalChart.sparkline([0, 1, 2, 3, 4, 5, 6, 7], width: 60, logScale: false) == "▁▂▃▄▅▆▇█")
    }

    @Test func constantSeriesIsFlat() {
        #expect(TerminalChart.sparkline([0.5, 0.5, 0.5], width: 10, logScale: true) == "▁▁▁")
    }

    @Test func nonFiniteAndNonPositiveValuesAreMarked() {
        #expect(TerminalChart.sparkline([1, 100, .nan, .infinity], width: 10, logScale: true) == "▁█✕✕")
        #expect(TerminalChart.sparkline([1, 0, 100], width: 10, logScale: true) == "▁_█")
    }

    @Test func bucketsAverageInLogSpace() {
        // 120 points into 60 columns: pairs (1, 100) average to 10 in log space, (1000, 1000) stay
        let values: [Double] = (0..<60).flatMap { (i: Int) -> [Double] in i < 30 ? [1, 100] : [1000, 1000] }
        let line = TerminalChart.sparkline(values, width: 60, logScale: true)
        #expect(line.count == 60)
        #expect(line == String(repeating: "▁", count: 30) + String(repeating: "█", count: 30))
    }

    @Test func stackedLinesFillFromTheBottom() {
        // 2 lines = 16 eighths: the low point fills 1, the high point all 16
        #expect(TerminalChart.blockLines([1, 100], width: 10, height: 2, logScale: true) == [" █", "▁█"])
        // the middle (10 on a log scale) fills 1 + round(7.5) = 9 eighths: a full bottom, ▁ on top
        #expect(TerminalChart.blockLines([1, 10, 100], width: 10, height: 2, logScale: true) == [" ▁█", "▁██"])
    }

    @Test func renderedChartLabelsExtremesAndSteps() {
        let chart = TerminalChart(title: "loss", x: [1, 2, 3, 10], y: [0.5, 0.05, 0.2, 0.1], width: 40, height: 1)
        let lines = chart.render()
        #expect(lines[0] == "loss (log scale): max 0.5 at step 1, min 0.05 at step 2")
        #expect(lines[1].hasPrefix("  █▁"))
        #expect(lines[1].hasSuffix("0.05 … 0.5"))
        #expect(lines[2] == "  1 10  (step)")
        let tall = TerminalChart(title: "g", x: [1, 2], y: [1, 100], width: 40, height: 3).render()
        #expect(tall[1] == "  100 ┤ █")
        #expect(tall[2] == "      │ █")
        #expect(tall[3] == "    1 ┤▁█")
    }

    @Test func divergedStepsAreCountedInTheTitle() {
        let lines = TerminalChart(title: "loss", x: [1, 2, 3], y: [1, 10, .nan]).render()
        #expect(lines[0].contains("1 non-finite from step 3"), "\(lines[0])")
        #expect(lines[1].contains("✕"))
    }

    @Test func emptySeriesSaysSo() {
        #expect(TerminalChart(title: "loss", x: [], y: []).render() == ["loss (log scale): no logged steps"])
    }
}
