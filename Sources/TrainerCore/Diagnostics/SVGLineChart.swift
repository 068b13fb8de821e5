import Foundation

/// A self-contained SVG line chart: several series over one x axis, linear or log-scale y,
/// ticks, grid, legend. Hand-written because Swift has no plotting library for Linux and the
/// charts must be plain files that open in any browser without network access.
///
/// The output depends only on the chart's fields (fixed-precision coordinates, no clock, no
/// random ids), so the same run always gives the same bytes.
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
        /// Line width in pixels (thin for dense noisy series drawn under smoother ones).
        public var lineWidth: Double
        /// Line opacity, 0…1.
        public var opacity: Double
        /// SVG `stroke-dasharray`, e.g. "5 3"; nil draws a solid line.
        public var dash: String?
        /// Radius of the dots when `dots` is set (small for dense markers that would merge).
        public var dotRadius: Double

        public init(name: String, x: [Double], y: [Double], color: String? = nil, dots: Bool = false, lineWidth: Double = 1.6, opacity: Double = 1, dash: String? = nil, dotRadius: Double = 2.5) {
            self.name = name
            self.x = x
            self.y = y
            self.color = color
            self.dots = dots
            self.lineWidth = lineWidth
            self.opacity = opacity
            self.dash = dash
            self.dotRadius = dotRadius
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
    /// A short grey line under the title, for what the reader must know to read the chart
    /// (e.g. that values were clamped).
    public var note: String?
    /// Extend a linear y axis to 0 (for quantities such as a learning rate, whose size is read
    /// against zero).
    public var includeZero = false
    /// Prefix of the ids inside the SVG. Charts inlined in one HTML page share one id space, so
    /// each chart needs its own; derived from the title unless set.
    public var idPrefix: String?
    /// Ticks on whole numbers only (for a step axis, where 1.2 means nothing).
    public var integerX = false
    /// What to say when nothing can be drawn; a generic sentence when nil.
    public var emptyMessage: String?

    /// Colour-blind-safe palette (Okabe–Ito).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
    }

    /// Whether a point can be drawn: finite, and positive on a log axis.
    func isDrawable(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && (!logY || y > 0)
    }

    /// The points that can be drawn.
    func drawable(_ s: Series) -> [(Double, Double)] {
        zip(s.x, s.y).filter { isDrawable($0.0, $0.1) }
    }

    /// Runs of consecutive drawable points: a line is broken where a value cannot be drawn
    /// (NaN, ±inf, ≤ 0 on a log axis) instead of silently joining across the gap.
    func segments(_ s: Series) -> [[(Double, Double)]] {
        var result: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        for (x, y) in zip(s.x, s.y) {
            if isDrawable(x, y) {
                current.append((x, y))
            } else if !current.isEmpty {
                result.append(current)
                current = []
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// The id of the plot-area clip path: unique per chart within a page.
    var clipID: String {
        let base = idPrefix ?? title
        let slug = String(base.lowercased().unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "-" })
        return "clip-" + slug
    }

    /// The SVG document.
    public func render() -> String {
        let left = 78.0, right = 20.0, bottom = 52.0
        let top = note == nil ? 40.0 : 56.0
        let columns = legendColumns
        let legendHeight = series.count > 1 ? 18.0 * Double((series.count + columns - 1) / columns) + 4 : 0
        let plotW = width - left - right, plotH = height - top - bottom - legendHeight
        let points = series.flatMap { drawable($0) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(n(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"
        if let note {
            svg += "<text x=\"\(n(width / 2))\" y=\"40\" text-anchor=\"middle\" font-size=\"11\" fill=\"#666\">\(escape(note))</text>\n"
        }
        guard !points.isEmpty else {
            svg += "<text x=\"\(n(width / 2))\" y=\"\(n(height / 2))\" text-anchor=\"middle\" fill=\"#666\">\(escape(emptyMessage ?? "no finite\(logY ? " positive" : "") values to plot"))</text>\n</svg>\n"
            return svg
        }
        var xMin = points.map(\.0).min()!, xMax = points.map(\.0).max()!
        if xMin == xMax { xMin -= 0.5; xMax += 0.5 }
        var yValues = points.map { logY ? log10($0.1) : $0.1 }
        if let h = horizontalLine, isDrawable(0, h.value) { yValues.append(logY ? log10(h.value) : h.value) }
        if includeZero && !logY { yValues.append(0) }
        var yMin = yValues.min()!, yMax = yValues.max()!
        if yMin == yMax {
            // A constant series (e.g. a constant learning rate): centre it in a band of ±10 % of
            // its value (half a decade on a log axis), not ±0.5, which would show negative
            // ticks around a small positive value.
            let half = logY ? 0.5 : (yMin == 0 ? 1 : abs(yMin) * 0.1)
            yMin -= half
            yMax += half
        }
        // Spans beyond the double range (values near ±1e308 on a linear axis) cannot be drawn.
        guard (yMax - yMin).isFinite, (xMax - xMin).isFinite else {
            svg += "<text x=\"\(n(width / 2))\" y=\"\(n(height / 2))\" text-anchor=\"middle\" fill=\"#666\">values too large to plot on a linear axis</text>\n</svg>\n"
            return svg
        }
        let pad = (yMax - yMin) * 0.04
        yMin -= pad
        yMax += pad
        if includeZero && !logY && yValues.min()! >= 0 { yMin = max(yMin, 0) }
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double {
            let v = logY ? log10(y) : y
            return top + (1 - (v - yMin) / (yMax - yMin)) * plotH
        }
        // Grid and ticks.
        svg += "<g stroke=\"#e5e5e5\" stroke-width=\"1\">\n"
        let xTicks = Self.niceTicks(xMin, xMax, count: 6, minStep: integerX ? 1 : 0)
        let yTicks: [Double] = logY ? Self.logTicks(yMin, yMax) : Self.niceTicks(yMin, yMax, count: 6)
        for t in xTicks { svg += "<line x1=\"\(n(px(t)))\" y1=\"\(n(top))\" x2=\"\(n(px(t)))\" y2=\"\(n(top + plotH))\"/>\n" }
        for t in yTicks { svg += "<line x1=\"\(n(left))\" y1=\"\(n(py(t)))\" x2=\"\(n(left + plotW))\" y2=\"\(n(py(t)))\"/>\n" }
        svg += "</g>\n<g fill=\"#333\">\n"
        for t in xTicks { svg += "<text x=\"\(n(px(t)))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(t))</text>\n" }
        // On a log axis 10000 next to 1e6 reads badly: exponents from 1e4 up.
        for t in yTicks { svg += "<text x=\"\(n(left - 6))\" y=\"\(n(py(t) + 4))\" text-anchor=\"end\">\(Self.label(t, exponentFrom: logY ? 1e4 : 1e5))</text>\n" }
        svg += "</g>\n"
        svg += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\" fill=\"none\" stroke=\"#999\"/>\n"
        svg += "<text x=\"\(n(left + plotW / 2))\" y=\"\(n(top + plotH + 36))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel + (logY ? " (log scale)" : "")))</text>\n"
        // The reference line goes under the series, its label over them (with a white halo) so
        // a series running along the line cannot hide what it is.
        let reference = horizontalLine.flatMap { isDrawable(0, $0.value) ? $0 : nil }
        if let h = reference {
            let y = py(h.value)
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y))\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>\n"
        }
        // Series, clipped to the plot area.
        svg += "<clipPath id=\"\(clipID)\"><rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\"/></clipPath>\n<g clip-path=\"url(#\(clipID))\">\n"
        let budget = Int(plotW) * 2
        for (index, s) in series.enumerated() {
            let color = s.color ?? Self.palette[index % Self.palette.count]
            if s.dots {
                for (x, y) in Self.thinned(drawable(s), maxPoints: budget) {
                    svg += "<circle cx=\"\(n(px(x)))\" cy=\"\(n(py(y)))\" r=\"\(n(s.dotRadius))\" fill=\"\(color)\" fill-opacity=\"\(n(s.opacity))\"/>\n"
                }
                continue
            }
            let runs = segments(s)
            let total = runs.reduce(0) { $0 + $1.count }
            let d = runs.map { run -> String in
                // Each run gets its share of the point budget so thinning keeps gaps where they are.
                let share = max(3, budget * run.count / max(total, 1))
                let pts = Self.thinned(run, maxPoints: share)
                // A lone point would be an invisible zero-length path: draw it as a short dash.
                if pts.count == 1 {
                    return "M\(n(px(pts[0].0) - 2)) \(n(py(pts[0].1))) L\(n(px(pts[0].0) + 2)) \(n(py(pts[0].1)))"
                }
                return pts.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(n(px($0.element.0))) \(n(py($0.element.1)))" }.joined(separator: " ")
            }.joined(separator: " ")
            guard !d.isEmpty else { continue }
            let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            svg += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(n(s.lineWidth))\" stroke-opacity=\"\(n(s.opacity))\" stroke-linejoin=\"round\"\(dash)/>\n"
        }
        svg += "</g>\n"
        if let h = reference {
            // Above the line, unless that would leave the plot area.
            let y = py(h.value)
            let labelY = y - 4 < top + 12 ? y + 14 : y - 4
            svg += "<text x=\"\(n(left + plotW - 4))\" y=\"\(n(labelY))\" text-anchor=\"end\" fill=\"#333\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">\(escape(h.label))</text>\n"
        }
        if series.count > 1 {
            let columnWidth = plotW / Double(columns)
            for (index, s) in series.enumerated() {
                let color = s.color ?? Self.palette[index % Self.palette.count]
                let lx = left + Double(index % columns) * columnWidth, ly = height - legendHeight + 4 + Double(index / columns) * 18
                if s.dots {
                    svg += "<circle cx=\"\(n(lx + 7))\" cy=\"\(n(ly + 2))\" r=\"3\" fill=\"\(color)\"/>\n"
                } else {
                    let dash = s.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
                    svg += "<line x1=\"\(n(lx))\" y1=\"\(n(ly + 2))\" x2=\"\(n(lx + 16))\" y2=\"\(n(ly + 2))\" stroke=\"\(color)\" stroke-width=\"3\"\(dash)/>\n"
                }
                svg += "<text x=\"\(n(lx + 22))\" y=\"\(n(ly + 6))\">\(escape(legendName(s)))</text>\n"
            }
        }
        svg += "</svg>\n"
        return svg
    }

    /// Legend columns: three when the names are short, fewer when they would run into each
    /// other (about 6 px per character at 12 px Helvetica, plus the swatch and a gap).
    var legendColumns: Int {
        let longest = Double(series.map { legendName($0).count }.max() ?? 0) * 6 + 36
        let plotW = width - 98
        return max(1, min(3, Int(plotW / max(longest, 1))))
    }

    /// A series' legend text; says so when none of its values can be drawn, so an empty line
    /// in the legend is not mistaken for one hidden under another.
    func legendName(_ s: Series) -> String {
        drawable(s).isEmpty ? s.name + " (nothing to draw)" : s.name
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

    /// About `count` round-numbered ticks in [lo, hi]. Ticks are computed as k · step (not by
    /// repeated addition, which drifts to 0.30000000000000004), and never more than 50.
    static func niceTicks(_ lo: Double, _ hi: Double, count: Int, minStep: Double = 0) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite, count > 0 else { return lo.isFinite ? [lo] : [] }
        let raw = span / Double(count)
        var exponent = floor(log10(raw))
        var mantissa = [1.0, 2, 2.5, 5, 10].first { $0 * pow(10, exponent) >= raw } ?? 10
        if minStep > 0 && mantissa * pow(10, exponent) < minStep {
            mantissa = minStep
            exponent = 0
        }
        // step = mantissa · 10^exponent; a tick is k · mantissa scaled by an exact power of ten,
        // dividing for negative exponents, so 3 · 0.2 comes out as 0.6, not 0.6000000000000001.
        let scale = pow(10, abs(exponent))
        let step = exponent < 0 ? mantissa / scale : mantissa * scale
        let first = ceil(lo / step), last = floor(hi / step + 1e-9)
        // Far from zero relative to the step, k · step cannot be told apart from its neighbours.
        guard first.magnitude < 1e15, last.magnitude < 1e15, last >= first, last - first <= 50 else { return [lo, hi] }
        return (Int(first)...Int(last)).map { k in
            let units = Double(k) * mantissa
            return units == 0 ? 0 : (exponent < 0 ? units / scale : units * scale)
        }
    }

    /// Decade ticks 10^k within [lo, hi] (both given as log10 values), at most about eight; 2·10^k
    /// and 5·10^k too when the span is under three decades (two decade lines alone leave the
    /// reader guessing); round linear ticks when not even two such ticks fit.
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        guard lo.isFinite, hi.isFinite, hi - lo < 700 else { return [] }
        var ticks: [Double] = []
        let first = Int(floor(lo)), last = Int(ceil(hi))
        let decades = (first...last).filter { Double($0) >= lo && Double($0) <= hi }
        if hi - lo < 3.5 {
            for k in first...last {
                for m in [1.0, 2, 5] {
                    let v = log10(m) + Double(k)
                    // Divide by 10^|k| for negative k: 5 · 0.001 is not 0.005, 5 / 1000 is.
                    if v >= lo && v <= hi { ticks.append(k < 0 ? m / pow(10, Double(-k)) : m * pow(10, Double(k))) }
                }
            }
        } else if let firstDecade = decades.first, let lastDecade = decades.last {
            let stride = max(1, (lastDecade - firstDecade + 8) / 8)
            for k in Swift.stride(from: firstDecade, through: lastDecade, by: stride) { ticks.append(k < 0 ? 1 / pow(10, Double(-k)) : pow(10, Double(k))) }
        }
        if ticks.count < 2 {
            return niceTicks(pow(10, lo), pow(10, hi), count: 4).filter { $0 > 0 }
        }
        return ticks
    }

    /// Short tick text with up to three significant digits: 0.25, 1500, 2.5e-4, 1e6; exponent
    /// form from `exponentFrom` up and below 1e-3.
    public static func label(_ v: Double, exponentFrom: Double = 1e5) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= exponentFrom || a < 1e-3 {
            let parts = String(format: "%.2e", v).split(separator: "e")
            guard parts.count == 2, let exponent = Int(parts[1]) else { return String(format: "%g", v) }
            var mantissa = String(parts[0])
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
            return "\(mantissa)e\(exponent)"
        }
        return String(format: "%.6g", v)
    }

    func n(_ v: Double) -> String { FixedPointText.oneDecimal(v) }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
