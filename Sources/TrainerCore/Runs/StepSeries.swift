/// The per-step curves of `metrics.csv` that `inspect` and `compare` draw: loss and gradient
/// norm against the optimizer step.
///
/// `metrics.csv` spells non-finite values `nan`, `inf` and `-inf` (a diverged run logs them on
/// its last step), which the strict data reader rejects, so those three words are accepted
/// here and everything else goes through `CSVReader.number`.
public struct StepSeries: Sendable, Equatable {
    /// Optimizer steps, increasing.
    public var steps: [Int]
    /// Mini-batch loss (penalty included) at each logged step.
    public var loss: [Double]
    /// ‖g‖ before clipping at each logged step.
    public var gradNorm: [Double]

    /// Creates a series from parallel arrays.
    public init(steps: [Int], loss: [Double], gradNorm: [Double]) {
        self.steps = steps
        self.loss = loss
        self.gradNorm = gradNorm
    }

    /// Reads `metrics.csv` at `path`.
    public static func load(path: String) throws(RunReadError) -> StepSeries {
        do {
            return try read(contents: FileBytes.contents(ofFile: path), file: path)
        } catch {
            throw RunReadError(error)
        }
    }

    /// Parses `metrics.csv` text; `file` is used in errors.
    public static func read(contents: [UInt8], file: String) throws(DataError) -> StepSeries {
        var reader = try CSVReader(bytes: contents, file: file)
        func column(_ name: String) throws(DataError) -> Int {
            guard let i = reader.header.firstIndex(of: name) else {
                throw DataError(file: file, line: reader.headerLine, reason: "missing column \"\(name)\" (is this a trainer metrics.csv?)")
            }
            return i
        }
        let stepColumn = try column("step"), lossColumn = try column("loss"), gradColumn = try column("grad_norm")
        var series = StepSeries(steps: [], loss: [], gradNorm: [])
        var record = CSVRecord()
        while try reader.readRecord(into: &record) {
            let stepField = record.fields[stepColumn]
            let step = try reader.number(of: stepField, column: stepColumn)
            guard step == step.rounded(), step >= 1, step < 1e15 else {
                throw reader.error(stepField, column: stepColumn, reason: "step must be a positive integer, found \(reader.quotedExcerpt(stepField))")
            }
            if let last = series.steps.last, Int(step) <= last {
                throw reader.error(stepField, column: stepColumn, reason: "steps must increase (step \(Int(step)) after step \(last))")
            }
            series.steps.append(Int(step))
            series.loss.append(try value(record.fields[lossColumn], column: lossColumn, reader: reader))
            series.gradNorm.append(try value(record.fields[gradColumn], column: gradColumn, reader: reader))
        }
        return series
    }

    /// A number, or NaN/±∞ written as `nan`, `inf`, `-inf`.
    static func value(_ field: CSVField, column: Int, reader: CSVReader) throws(DataError) -> Double {
        switch Array(reader.trimmedContent(field)) {
        case Array("nan".utf8): return .nan
        case Array("inf".utf8): return .infinity
        case Array("-inf".utf8): return -.infinity
        default: return try reader.number(of: field, column: column)
        }
    }

    /// At most `maxPoints` points (index ranges split evenly), keeping each bucket's first point
    /// and its extremes so spikes and the final value survive; `values` picks the curve whose
    /// extremes are kept. Non-finite points are always kept: they are where a run diverged.
    public func downsampledIndices(maxPoints: Int, by values: [Double]) -> [Int] {
        let n = steps.count
        guard n > maxPoints, maxPoints >= 4 else { return Array(0..<n) }
        let buckets = max((maxPoints - 1) / 3, 1)
        var picked: Set<Int> = [n - 1]
        for b in 0..<buckets {
            let lo = b * n / buckets, hi = (b + 1) * n / buckets
            guard lo < hi else { continue }
            picked.insert(lo)
            var low = lo, high = lo
            for i in lo..<hi {
                if !values[i].isFinite { picked.insert(i); continue }
                if !values[low].isFinite || values[i] < values[low] { low = i }
                if !values[high].isFinite || values[i] > values[high] { high = i }
            }
            picked.insert(low)
            picked.insert(high)
        }
        return picked.sorted()
    }
}
