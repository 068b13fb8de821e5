import Foundation

/// A chart made of Unicode block characters for the terminal: one line (a sparkline,
/// `▁▂▃▄▅▆▇█`) or a few stacked lines, with min/max labels and the step range.
///
/// Each column is one bucket of consecutive points, drawn at the mean of its values — in log10
/// space on a log scale, so one spike does not flatten a whole loss curve. A bucket holding a
/// NaN or infinity is drawn as `✕` (that is where a run diverged); on a log scale a bucket whose
/// values are all zero or negative is drawn as `_`, below the axis.
public struct TerminalChart: Sendable {
    /// The eight block heights, lowest first.
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// Marks a column with a non-finite value.
    public static let nonFiniteMark: Character = "✕"
    /// Marks a column with no positive value on a log scale.
    public static let belowAxisMark: Character = "_"

    public var title: String
    /// x values (optimizer steps), parallel to `y`.
    public var x: [Int]
    public var y: [Double]
    public var logScale: Bool
    /// Columns at most (fewer when there are fewer points).
    public var width: Int
    /// Lines of blocks; 1 is a sparkline.
    public var height: Int

    public init(title: String, x: [Int], y: [Double], logScale: Bool = true, width: Int = 60, height: Int = 1) {
        self.title = title
        self.x = x
        self.y = y
        self.logScale = logScale
        self.width = max(width, 1)
        self.height = max(height, 1)
    }

    /// What a column shows.
    enum Column: Equatable {
        case level(Double)  // position in [0, 1] between the chart's low and high
        case nonFinite
        case belowAxis
    }

    /// The per-column values, bucketed and scaled to [0, 1].
    static func columns(_ values: [Double], width: Int, logScale: Bool) -> [Column] {
        guard !values.isEmpty else { return [] }
        let count = min(width, values.count)
        var raw: [Double?] = []  // transformed bucket mean; nil = below the axis
        var nonFinite: [Bool] = []
        for c in 0..<count {
            let lo = c * values.count / count, hi = (c + 1) * values.count / count
            let bucket = values[lo..<max(hi, lo + 1)]
            if bucket.contains(where: { !$0.isFinite }) {
                nonFinite.append(true)
                raw.append(nil)
                continue
            }
            nonFinite.append(false)
            let usable = logScale ? bucket.filter { $0 > 0 }.map { log10($0) } : Array(bucket)
            raw.append(usable.isEmpty ? nil : usable.reduce(0, +) / Double(usable.count))
        }
        let present = raw.compactMap { $0 }
        let low = present.min() ?? 0, high = present.max() ?? 0
        return zip(raw, nonFinite).map { value, bad in
            if bad { return .nonFinite }
            guard let value else { return .belowAxis }
            return .level(high > low ? (value - low) / (high - low) : 0)
        }
    }

    /// The block lines, top line first, each `min(width, values.count)` characters.
    public static func blockLines(_ values: [Double], width: Int, height: Int = 1, logScale: Bool) -> [String] {
        let columns = columns(values, width: width, logScale: logScale)
        let units = 8 * height
        var lines = Array(repeating: "", count: height)
        for column in columns {
            for row in 0..<height {  // row 0 is the top line
                let fromBottom = height - 1 - row
                let ch: Character
                switch column {
                case .nonFinite: ch = row == 0 ? nonFiniteMark : " "
                case .belowAxis: ch = fromBottom == 0 ? belowAxisMark : " "
                case .level(let t):
                    // At least one unit, so the lowest value still shows as ▁.
                    let filled = 1 + Int((t * Double(units - 1)).rounded())
                    let here = min(max(filled - 8 * fromBottom, 0), 8)
                    ch = here == 0 ? " " : blocks[here - 1]
                }
                lines[row].append(ch)
            }
        }
        return lines
    }

    /// A one-line sparkline of `values`.
    public static func sparkline(_ values: [Double], width: Int, logScale: Bool) -> String {
        blockLines(values, width: width, height: 1, logScale: logScale)[0]
    }

    /// Smallest and largest finite value (positive on a log scale), with the x where each occurs.
    public var extremes: (min: (x: Int, y: Double), max: (x: Int, y: Double))? {
        var best: (min: (x: Int, y: Double), max: (x: Int, y: Double))?
        for (xi, yi) in zip(x, y) where yi.isFinite && (!logScale || yi > 0) {
            guard let b = best else { best = ((xi, yi), (xi, yi)); continue }
            best = (yi < b.min.y ? (xi, yi) : b.min, yi > b.max.y ? (xi, yi) : b.max)
        }
        return best
    }

    /// The chart: a title line, the block lines with max/min labels on the left, the step range.
    public func render() -> [String] {
        let scale = logScale ? "log scale" : "linear scale"
        guard !y.isEmpty else { return ["\(title) (\(scale)): no logged steps"] }
        let lines = Self.blockLines(y, width: width, height: height, logScale: logScale)
        let ext = extremes
        let top = ext.map { fmt($0.max.y) } ?? "–", bottom = ext.map { fmt($0.min.y) } ?? "–"
        let labelWidth = max(top.count, bottom.count)
        func pad(_ s: String) -> String { String(repeating: " ", count: labelWidth - s.count) + s }
        var out: [String] = []
        var header = "\(title) (\(scale))"
        if let ext { header += ": max \(fmt(ext.max.y)) at step \(ext.max.x), min \(fmt(ext.min.y)) at step \(ext.min.x)" }
        let nonFinite = zip(x, y).filter { !$0.1.isFinite }
        if let first = nonFinite.first { header += "; \(nonFinite.count) non-finite from step \(first.0) (✕)" }
        out.append(header)
        for (i, line) in lines.enumerated() {
            let label = i == 0 ? pad(top) : (i == lines.count - 1 ? pad(bottom) : String(repeating: " ", count: labelWidth))
            let single = lines.count == 1
            let tick = i == 0 || i == lines.count - 1 ? " ┤" : " │"
            let text = "  " + (single ? "" : label + tick) + line + (single ? "  \(bottom) … \(top)" : "")
            // Blank columns at the right end of the upper lines are padding, not data.
            out.append(String(text.reversed().drop(while: { $0 == " " }).reversed()))
        }
        let first = x.first.map(String.init) ?? "", last = x.last.map(String.init) ?? ""
        let columns = lines.first?.count ?? 0
        let indent = "  " + (lines.count == 1 ? "" : String(repeating: " ", count: labelWidth + 2))
        let gap = max(columns - first.count - last.count, 1)
        out.append(indent + (x.count > 1 ? first + String(repeating: " ", count: gap) + last : first) + "  (step)")
        return out
    }
}
