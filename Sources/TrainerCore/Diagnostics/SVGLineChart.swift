import Foundation

/// A self-contained SVG line chart: several series over one x axis, linear or log-scale y,
/// ticks, grid, legend. Hand-written because Swift has no plotting library for Linux and the
/// charts must be plain files that open in any browser without network access.
public struct SVGLineChart: Sendable {
    /// One line.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        /// CSS colour; nil picks from the palette.
        public var color: String?
        /// Draw as dots instead of a line (for sparse events such as clipping).
        public var dots: Bool

        public init(name: String, x: [Double], y: [Double], color: String? = nil, dots: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.dots = dots
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var series: [Series]
    public var width = 720.0
    public var height = 400.0
    /// Optional horizontal reference line (e.g. 2/λ_max), drawn dashed with its label.
    public var horizontalLine: (value: Double, label: String)?

    /// Colour-blind-safe palette (Okabe–Ito).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
    }

    /// The points that can be drawn: finite, and positive on a log axis.
    func drawable(_ s: Series) -> [(Double, Double)] {
        zip(s.x, s.y).filter { $0.0.isFinite && $0.1.isFinite && (!logY || $0.1 > 0) }
    }

    /// The SVG document.
    public func render() -> String {
        let left = 78.0, right = 20.0, top = 40.0, bottom = 52.0
        let legendHeight = series.count > 1 ? 18.0 * Double((series.count + 2) / 3) : 0
        let plotW = width - left - right, plotH = height - top - bottom - legendHeight
        let points = series.flatMap { drawable($0) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(n(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"
        guard !points.isEmpty else {
            svg += "<text x=\"\(n(width / 2))\" y=\"\(n(height / 2))\" text-anchor=\"middle\" fill=\"#666\">no finite\(logY ? " positive" : "") values to plot</text>\n</svg>\n"
            return svg
        }
        var xMin = points.map(\.0).min()!, xMax = points.map(\.0).max()!
        if xMin == xMax { xMin -= 0.5; xMax += 0.5 }
        var yValues = points.map { logY ? log10($0.1) : $0.1 }
        if let h = horizontalLine, h.value.isFinite, !logY || h.value > 0 { yValues.append(logY ? log10(h.value) : h.value) }
        var yMin = yValues.min()!, yMax = yValues.max()!
        if yMin == yMax { yMin -= logY ? 0.5 : max(abs(yMin) * 0.1, 0.5); yMax += logY ? 0.5 : max(abs(yMax) * 0.1, 0.5) }
        let pad = (yMax - yMin) * 0.04
        yMin -= pad
        yMax += pad
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double {
            let v = logY ? log10(y) : y
            return top + (1 - (v - yMin) / (yMax - yMin)) * plotH
        }
        // Grid and ticks.
        svg += "<g stroke=\"#e5e5e5\" stroke-width=\"1\">\n"
        let xTicks = Self.niceTicks(xMin, xMax, count: 6)
        let yTicks: [Double] = logY ? Self.logTicks(yMin, yMax) : Self.niceTicks(yMin, yMax, count: 6)
        for t in xTicks { svg += "<line x1=\"\(n(px(t)))\" y1=\"\(n(top))\" x2=\"\(n(px(t)))\" y2=\"\(n(top + plotH))\"/>\n" }
        for t in yTicks { svg += "<line x1=\"\(n(left))\" y1=\"\(n(py(t)))\" x2=\"\(n(left + plotW))\" y2=\"\(n(py(t)))\"/>\n" }
        svg += "</g>\n<g fill=\"#333\">\n"
        for t in xTicks { svg += "<text x=\"\(n(px(t)))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(t))</text>\n" }
        for t in yTicks { svg += "<text x=\"\(n(left - 6))\" y=\"\(n(py(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n" }
        svg += "</g>\n"
        svg += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\" fill=\"none\" stroke=\"#999\"/>\n"
        svg += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(top + plotH + 36))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel + (logY ? " (log scale)" : "")))</text>\n"
        if let h = horizontalLine, h.value.isFinite, !logY || h.value > 0 {
            let y = py(h.value)
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y))\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>\n"
            svg += "<text x=\"\(n(left + plotW - 4))\" y=\"\(n(y - 4))\" text-anchor=\"end\" fill=\"#555\">\(escape(h.label))</text>\n"
        }
        // Series, clipped to the plot area.
        svg += "<clipPath id=\"plot\"><rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\"/></clipPath>\n<g clip-path=\"url(#plot)\">\n"
        for (index, s) in series.enumerated() {
            let color = s.color ?? Self.palette[index % Self.palette.count]
            let pts = Self.thinned(drawable(s), maxPoints: Int(plotW) * 2)
            if s.dots {
                for (x, y) in pts { svg += "<circle cx=\"\(n(px(x)))\" cy=\"\(n(py(y)))\" r=\"2.5\" fill=\"\(color)\"/>\n" }
            } else if !pts.isEmpty {
                let d = pts.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(n(px($0.element.0))) \(n(py($0.element.1)))" }.joined(separator: " ")
                svg += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.6\" stroke-linejoin=\"round\"/>\n"
            }
        }
        svg += "</g>\n"
        if series.count > 1 {
            for (index, s) in series.enumerated() {
                let color = s.color ?? Self.palette[index % Self.palette.count]
                let lx = left + Double(index % 3) * (plotW / 3), ly = height - legendHeight + 4 + Double(index / 3) * 18
                svg += "<rect x=\"\(n(lx))\" y=\"\(n(ly))\" width=\"14\" height=\"4\" fill=\"\(color)\"/>\n"
                svg += "<text x=\"\(n(lx + 20))\" y=\"\(n(ly + 6))\">\(escape(s.name))</text>\n"
            }
        }
        svg += "</svg>\n"
        return svg
    }

    /// Keeps at most `maxPoints` points, taking each bucket's first, min and max so spikes survive.
    static func thinned(_ points: [(Double, Double)], maxPoints: Int) -> [(Double, Double)] {
        guard points.count > maxPoints, maxPoints >= 3 else { return points }
        let buckets = maxPoints / 3
        let size = Double(points.count) / Double(buckets)
        var result: [(Double, Double)] = []
        for b in 0..<buckets {
            let lo = Int(Double(b) * size), hi = min(Int(Double(b + 1) * size), points.count)
            guard lo < hi else { continue }
            let slice = points[lo..<hi]
            let minPoint = slice.min { $0.1 < $1.1 }!, maxPoint = slice.max { $0.1 < $1.1 }!
            let picks = [slice.first!, minPoint, maxPoint].sorted { $0.0 < $1.0 }
            for p in picks where result.last.map({ $0 != p }) ?? true { result.append(p) }
        }
        if let last = points.last, result.last.map({ $0 != last }) ?? true { result.append(last) }
        return result
    }

    /// About `count` round-numbered ticks in [lo, hi].
    static func niceTicks(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite else { return [lo] }
        let raw = span / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var t = ceil(lo / step) * step
        while t <= hi + step * 1e-9 {
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return ticks
    }

    /// Decade ticks 10^k within [lo, hi] (both given as log10 values); more when the span is short.
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        var ticks: [Double] = []
        let first = Int(ceil(lo)), last = Int(floor(hi))
        if last >= first {
            let stride = max(1, (last - first + 1) / 8)
            for k in Swift.stride(from: first, through: last, by: stride) { ticks.append(pow(10, Double(k))) }
        }
        if ticks.count < 2 {
            return niceTicks(pow(10, lo), pow(10, hi), count: 4).filter { $0 > 0 }
        }
        return ticks
    }

    /// Short tick text.
    static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 { return String(format: "%.0e", v).replacingOccurrences(of: "e+0", with: "e").replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+", with: "e") }
        return String(format: "%g", v)
    }

    func n(_ v: Double) -> String { String(format: "%.1f", v) }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
