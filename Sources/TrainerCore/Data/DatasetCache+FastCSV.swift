#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// A parallel fast path for the common case of `DatasetLoader`: a plain numeric CSV file (fields
/// may be quoted, but hold no line break, and no quote except doubled ones in columns nobody
/// reads; empty lines skipped; LF or CRLF line endings; an optional UTF-8 byte order mark)
/// loaded for linear or logistic regression, or for softmax
/// regression (`ChunkLabels`), or read for `ModelInput` (`table`). It returns exactly what the
/// general loader would, or `nil` the moment anything falls outside that case — then the
/// general loader runs from the start and produces its result or its precise error. It never
/// reports an error itself.
///
/// Why: the general loader tokenizes a record into a field array, then parses each field, then
/// appends to a growing array (copied at every doubling), on one core; on a 200,000 × 101 file of
/// 17-digit numbers that was ~80 MB/s. This path counts the rows first (memchr), allocates the
/// matrix once, then splits the rows into chunks that the CPU's cores take in turn, each
/// parsing numbers straight from the bytes into its rows of the matrix (gains measured in
/// Benchmarks/NOTES.md, rounds 1 and 7).
enum FastNumericCSV {
    /// Unsafe pointers handed to the worker threads; each worker writes only its own rows.
    private struct Shared: @unchecked Sendable {
        let bytes: UnsafeBufferPointer<UInt8>
        let values: UnsafeMutablePointer<Double>
        let targets: UnsafeMutablePointer<Double>
        let failed: UnsafeMutablePointer<Bool>
        /// Empty fields each chunk found in the columns used (policies other than `.error`).
        let missing: UnsafeMutablePointer<Int>
        /// Whether each row slot is to be dropped: a row with an empty field under `.dropRow`, or
        /// an empty line (counted per chunk in `emptyLines`).
        let dropped: UnsafeMutablePointer<Bool>
        let emptyLines: UnsafeMutablePointer<Int>
        let policy: MissingValuePolicy
        /// Softmax only: each chunk's distinct labels (a row's target is its label's id in its
        /// chunk's table until `ChunkLabels.encode` turns it into a class index).
        let labels: [ChunkLabels]?
    }

    /// The file and the per-chunk row counts, handed to the counting threads.
    private struct RowCounts: @unchecked Sendable {
        let base: UnsafePointer<UInt8>
        let counts: UnsafeMutablePointer<Int>
    }

    /// What a file holds for the columns asked for: the features, and the target's values
    /// (class indices for classifiers, with their `classes`) when a target is named.
    struct Table {
        var featureNames: [String]
        var features: Matrix
        var targets: [Double]?
        var classes: [String]?
        /// Empty fields in the columns used, and rows left out, under `missing` (as
        /// `MissingValueReport` counts them).
        var missingValues = 0
        var droppedRows = 0
        /// The row slots left out, in order: empty lines between records (skipped, as the
        /// general reader skips them; each took a slot in the count by line feeds) and rows
        /// dropped. Slot s is the file's line s + 2. Empty when none was (the usual case).
        var droppedSlots: [Int] = []

        /// The physical line of each row: s + 2 for the slots s kept.
        var lineNumbers: [Int] {
            var lines: [Int] = []
            lines.reserveCapacity(features.rows)
            var skip = droppedSlots.makeIterator()
            var nextSkipped = skip.next()
            var slot = 0
            while lines.count < features.rows {
                if slot == nextSkipped {
                    nextSkipped = skip.next()
                } else {
                    lines.append(slot + 2)
                }
                slot += 1
            }
            return lines
        }

        /// As `DatasetLoader` returns it, when a target was read.
        func loaded(target: String, sourcePath: String, policy: MissingValuePolicy) -> LoadedDataset? {
            guard let targets else { return nil }
            return LoadedDataset(
                dataset: Dataset(
                    featureNames: featureNames, features: features, targetName: target, targets: targets,
                    classes: classes, sourcePath: sourcePath),
                missing: MissingValueReport(policy: policy, missingValues: missingValues, droppedRows: droppedRows))
        }
    }

    /// The columns asked for of the CSV text `bytes` (a `MappedFile`'s), or nil; `loaded` turns
    /// the result into what `DatasetLoader` returns. The target is optional (`nil`: only the
    /// features are read, as `ModelInput` reads a file to predict; then `kind` does not
    /// matter). With `releasingPages` (only for a mapping) each worker unmaps a chunk's pages
    /// once it is parsed: in parallel, instead of one serial `munmap` of the whole file at the
    /// end (~0.01 s of a 0.35 s load of a 409 MB file). `hugePages`: whether the matrix is
    /// advised to use huge pages (see `DatasetCache.hugePages`).
    ///
    /// Empty fields are handled by `missing` as `DatasetLoader.load(contents:…missing:)` handles
    /// them: `.imputeMean` stores NaN for an empty feature, `.dropRow` leaves out every row
    /// holding one (feature or target). What that loader reports as an error (an empty target
    /// under `.imputeMean`, no row left) declines. Softmax classes come from the rows kept only
    /// (`ChunkLabels.usedIds`), as the general loader never sees the others.
    ///
    /// `classIndex` (softmax only): the class of a label's bytes in a saved model, as
    /// `ModelInput` reads a file to evaluate; the targets are then those classes and `classes`
    /// is nil.
    static func table(
        bytes: UnsafeBufferPointer<UInt8>, target: String?, features: [String]?, kind: ModelKind,
        missing policy: MissingValuePolicy = .error, classIndex: ((ArraySlice<UInt8>) -> Int?)? = nil,
        releasingPages: Bool = false, hugePages: Bool = true
    ) -> Table? {
        // Line endings at the very end of the file can only end the last record or make empty
        // lines, which the general loader skips: parse up to the last record's text.
        var count = bytes.count
        while count > 0, bytes[count - 1] == newline || bytes[count - 1] == carriageReturn { count -= 1 }
        // An empty last field at the very end ("x,y\n1,") is missing: the general loader's. It
        // is also the one place a field could start at the end of the data, where the number
        // parser would read one byte past it (it needs a byte to look at).
        guard count > 0, bytes[count - 1] != comma else { return nil }
        // A UTF-8 byte order mark (Excel's "CSV UTF-8" writes one) is skipped, as the general
        // loader skips it.
        let hasBOM = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        let headerStart = hasBOM ? 3 : 0
        guard count > headerStart, bytes[headerStart] != newline else { return nil }
        // Header: up to the first newline (and the carriage return before it, if any); names
        // must be plain and unique, and may be quoted (R's `write.csv` quotes them).
        guard let base = bytes.baseAddress, let nl = memchr(base, Int32(newline), count) else { return nil }
        let lineFeedIndex = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
        let crlf = lineFeedIndex > headerStart && bytes[lineFeedIndex - 1] == carriageReturn
        let headerEnd = crlf ? lineFeedIndex - 1 : lineFeedIndex
        var header: [String] = []
        var fieldStart = headerStart
        for i in headerStart...headerEnd {
            if i == headerEnd || bytes[i] == comma {
                var raw = UnsafeBufferPointer(rebasing: bytes[fieldStart..<i])
                if raw.count >= 2, raw[raw.startIndex] == quote, raw[raw.endIndex - 1] == quote {
                    raw = UnsafeBufferPointer(rebasing: raw[(raw.startIndex + 1)..<(raw.endIndex - 1)])
                }
                guard !raw.contains(where: { $0 == quote || $0 == carriageReturn || $0 == space || $0 == tab }),
                      !raw.isEmpty, let name = String(validating: raw, as: UTF8.self) else { return nil }
                header.append(name)
                fieldStart = i + 1
            }
        }
        guard Set(header).count == header.count else { return nil }
        var targetIndex: Int?
        if let target {
            guard let index = header.firstIndex(of: target) else { return nil }
            targetIndex = index
        }
        var featureIndices: [Int]
        if let features {
            featureIndices = []
            for name in features {
                guard let index = header.firstIndex(of: name), index != targetIndex, !featureIndices.contains(index) else { return nil }
                featureIndices.append(index)
            }
        } else {
            featureIndices = header.indices.filter { $0 != targetIndex }
        }
        guard !featureIndices.isEmpty else { return nil }
        // column → slot in the row (0..<d), or -1 for the target, or nil when skipped.
        var slot = [Int?](repeating: nil, count: header.count)
        for (j, index) in featureIndices.enumerated() { slot[index] = j }
        if let targetIndex { slot[targetIndex] = -1 }
        let columnSlots = slot.map { $0 ?? Int.min }

        // Split the records into chunks at line boundaries and count rows: eight chunks per
        // core rather than one (`DatasetCache.parallelPieces`), so the cores share the work
        // even when one runs slower.
        let bodyStart = lineFeedIndex + 1
        let chunks = DatasetCache.parallelPieces
        var bounds = [bodyStart]
        for w in 1..<chunks {
            var cut = max(bodyStart + (count - bodyStart) * w / chunks, bounds[w - 1])
            if cut < count, let p = memchr(base + cut, Int32(newline), count - cut) {
                cut = base.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
            } else {
                cut = count
            }
            bounds.append(cut)
        }
        bounds.append(count)
        // Counted in parallel too: one memchr pass over a 400 MB file is ~40 ms on one core,
        // and with a mapped file it is also where the pages are first touched.
        var chunkRowCounts = [Int](repeating: 0, count: chunks)
        chunkRowCounts.withUnsafeMutableBufferPointer { counts in
            let shared = RowCounts(base: base, counts: counts.baseAddress!)
            let chunkBounds = bounds
            DispatchQueue.concurrentPerform(iterations: chunks) { w in
                shared.counts[w] = rowsIn(shared.base, from: chunkBounds[w], to: chunkBounds[w + 1])
            }
        }
        var rowStarts = [0]
        for w in 0..<chunks { rowStarts.append(rowStarts[w] + chunkRowCounts[w]) }
        let rows = rowStarts[chunks]
        let d = featureIndices.count
        guard rows > 0 else { return nil }

        let chunkBounds = bounds, chunkRows = rowStarts
        let labelTables = kind == .softmax && targetIndex != nil ? (0..<chunks).map { _ in ChunkLabels() } : nil
        var failed = [Bool](repeating: false, count: chunks)
        let missingCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        missingCounts.initialize(repeating: 0)
        let emptyLineCounts = UnsafeMutableBufferPointer<Int>.allocate(capacity: chunks)
        emptyLineCounts.initialize(repeating: 0)
        let dropped = UnsafeMutableBufferPointer<Bool>.allocate(capacity: rows)
        dropped.initialize(repeating: false)
        defer {
            missingCounts.deallocate()
            emptyLineCounts.deallocate()
            dropped.deallocate()
        }
        var targets = [Double](repeating: 0, count: targetIndex == nil ? 1 : rows)
        // Every value is written by a worker (or the result is discarded), so no zero fill.
        var values = [Double](unsafeUninitializedCapacity: rows * d) { buffer, count in
            if hugePages, let base = buffer.baseAddress { FileBytes.adviseHugePages(UnsafeMutableRawPointer(base), 8 * rows * d) }
            count = rows * d
        }
        values.withUnsafeMutableBufferPointer { v in
            targets.withUnsafeMutableBufferPointer { t in
                failed.withUnsafeMutableBufferPointer { f in
                    let shared = Shared(
                        bytes: bytes, values: v.baseAddress!, targets: t.baseAddress!, failed: f.baseAddress!,
                        missing: missingCounts.baseAddress!, dropped: dropped.baseAddress!,
                        emptyLines: emptyLineCounts.baseAddress!, policy: policy,
                        labels: labelTables)
                    DispatchQueue.concurrentPerform(iterations: chunks) { w in
                        let ok = parseChunk(
                            shared, chunk: w, from: chunkBounds[w], to: chunkBounds[w + 1], firstRow: chunkRows[w],
                            rows: chunkRows[w + 1] - chunkRows[w], columnSlots: columnSlots, d: d,
                            labels: shared.labels?[w])
                        shared.failed[w] = !ok
                        if releasingPages {
                            MappedFile.releasePages(of: shared.bytes, in: chunkBounds[w]..<chunkBounds[w + 1])
                        }
                    }
                }
            }
        }
        guard !failed.contains(true) else { return nil }
        let missingValues = missingCounts.reduce(0, +)
        let emptyLines = emptyLineCounts.reduce(0, +)
        // Softmax labels are encoded by each chunk's row range, so before rows move, and only
        // from the rows kept (the general loader never sees the others).
        var classes: [String]?
        if let labelTables {
            let used = ChunkLabels.usedIds(labelTables, chunkRows: chunkRows, targets: targets, dropped: dropped)
            if let classIndex {
                guard ChunkLabels.lookUp(
                    labelTables, bytes: bytes, chunkRows: chunkRows, targets: &targets, used: used, dropped: dropped,
                    index: classIndex) else { return nil }
            } else {
                guard let encoded = ChunkLabels.encode(
                    labelTables, bytes: bytes, chunkRows: chunkRows, targets: &targets, used: used, dropped: dropped) else { return nil }
                classes = encoded
            }
        }
        var kept = rows
        var droppedSlots: [Int] = []
        if (policy == .dropRow && missingValues > 0) || emptyLines > 0 {
            droppedSlots = (0..<rows).filter { dropped[$0] }
            kept = compact(values: &values, targets: &targets, hasTargets: targetIndex != nil, dropped: dropped, rows: rows, d: d)
            guard kept > 0 else { return nil }
        }
        let droppedRows = rows - kept - emptyLines
        guard let matrix = try? Matrix(rows: kept, columns: d, values: values) else { return nil }
        let featureNames = featureIndices.map { header[$0] }
        guard targetIndex != nil else {
            return Table(
                featureNames: featureNames, features: matrix, targets: nil, classes: nil,
                missingValues: missingValues, droppedRows: droppedRows, droppedSlots: droppedSlots)
        }
        if kind == .logistic {
            var ones = 0.0
            for y in targets {
                guard y == 0 || y == 1 else { return nil }
                ones += y
            }
            guard ones > 0, ones < Double(kept) else { return nil }
            // The general loader stores logistic targets as exactly 0 or 1 (never -0.0).
            for i in targets.indices where targets[i] == 0 { targets[i] = 0 }
            classes = ["0", "1"]
        }
        return Table(
            featureNames: featureNames, features: matrix, targets: targets, classes: classes,
            missingValues: missingValues, droppedRows: droppedRows, droppedSlots: droppedSlots)
    }

    /// Moves the rows not `dropped` to the front, in order, and cuts both arrays to them;
    /// returns how many were kept. Rows only move towards the front, so one pass in order never
    /// overwrites a row it has still to read.
    private static func compact(
        values: inout [Double], targets: inout [Double], hasTargets: Bool, dropped: UnsafeMutableBufferPointer<Bool>,
        rows: Int, d: Int
    ) -> Int {
        var kept = 0
        values.withUnsafeMutableBufferPointer { v in
            guard let base = v.baseAddress else { return }
            for r in 0..<rows where !dropped[r] {
                if kept != r {
                    (base + kept * d).update(from: base + r * d, count: d)
                    if hasTargets { targets[kept] = targets[r] }
                }
                kept += 1
            }
        }
        values.removeSubrange((kept * d)...)
        if hasTargets { targets.removeSubrange(kept...) }
        return kept
    }

    private static let comma = UInt8(ascii: ",")
    private static let newline = UInt8(ascii: "\n")
    private static let quote = UInt8(ascii: "\"")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// Records in `[from, to)`: its newlines, plus one for a final line without a newline.
    private static func rowsIn(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var rows = 0
        var p = from
        while p < to, let hit = memchr(base + p, Int32(newline), to - p) {
            rows += 1
            p = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
        }
        if p < to { rows += 1 }
        return rows
    }

    /// The content of the quoted field whose opening quote is at `start`: the bytes up to the
    /// next quote, or nil when there is none before a line break or the chunk's end. The caller
    /// then requires a delimiter right after that quote, so a doubled quote (`""` inside the
    /// field) declines too: with no quote or line break inside, a quoted field means what it
    /// holds, as the general reader reads it (quotes removed, then blanks trimmed).
    @inline(__always)
    private static func quotedContent(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, to: Int) -> Range<Int>? {
        var q = start + 1
        while q < to {
            let b = bytes[q]
            if b == quote { return (start + 1)..<q }
            if b == newline || b == carriageReturn { return nil }
            q += 1
        }
        return nil
    }

    /// Where the skipped quoted field whose opening quote is at `start` ends (just after its
    /// closing quote), or nil when it holds a line break or runs to the chunk's end. A doubled
    /// quote inside (`""`, an escaped quote in a text column: `"12"" pipe"`) is part of the
    /// field; the caller then requires a delimiter after the closing quote, as for
    /// `quotedContent`. Only for columns nobody reads: a number or a label holding a quote goes
    /// to the general reader (which reports or unescapes it).
    @inline(__always)
    private static func skippedQuotedFieldEnd(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, to: Int) -> Int? {
        var q = start + 1
        while q < to {
            let b = bytes[q]
            if b == quote {
                if q + 1 < to && bytes[q + 1] == quote {
                    q += 2
                    continue
                }
                return q + 1
            }
            if b == newline || b == carriageReturn { return nil }
            q += 1
        }
        return nil
    }

    /// Parses the records in `[from, to)` into rows `firstRow..<firstRow + rows`; false on
    /// anything the general loader must handle (wrong field count, empty line, a quote inside an
    /// unquoted field, a quoted field holding a line break, a quoted number or label holding a
    /// quote, a lone carriage return, a value that is not a finite number).
    ///
    /// Line breaks inside quotes would also break the row count (one row per line feed), which
    /// is why they decline: a chunk cut inside such a field fails on its stray closing quote,
    /// and the chunk holding the opening quote fails at the line break.
    ///
    /// A record ends with LF or CRLF: a carriage return ends a field only when it is the last
    /// field's and a line feed follows (chunks end after a line feed, so the pair is never
    /// split between two chunks).
    private static func parseChunk(
        _ shared: Shared, chunk: Int, from: Int, to: Int, firstRow: Int, rows: Int, columnSlots: [Int], d: Int,
        labels: ChunkLabels?
    ) -> Bool {
        let bytes = shared.bytes
        let columns = columnSlots.count
        let policy = shared.policy
        var missing = 0, emptyLines = 0
        var p = from
        for r in 0..<rows {
            // A physically empty line, which the general reader skips: its row slot is dropped.
            if p < to, bytes[p] == newline || (bytes[p] == carriageReturn && p + 1 < to && bytes[p + 1] == newline) {
                p += bytes[p] == newline ? 1 : 2
                shared.dropped[firstRow + r] = true
                emptyLines += 1
                continue
            }
            let row = shared.values + (firstRow + r) * d
            var missingInRow = 0
            for c in 0..<columns {
                let start = p
                let slot = columnSlots[c]
                var value = 0.0
                if slot == -1, let labels {
                    var label = start..<start
                    if p < to && bytes[p] == quote {
                        guard let content = quotedContent(bytes, at: p, to: to) else { return false }
                        label = content
                        p = content.upperBound + 1
                    } else {
                        while p < to, bytes[p] != comma, bytes[p] != newline, bytes[p] != carriageReturn { p += 1 }
                        label = start..<p
                    }
                    if let id = labels.id(ofLabelIn: label, of: bytes) {
                        value = Double(id)
                    } else {
                        // An empty label is a missing target: only `.dropRow` takes it (its row
                        // is dropped, and its label slot never read, see `table`).
                        guard policy == .dropRow, label.allSatisfy({ DecimalParser.isBlank(bytes[$0]) }) else { return false }
                        missingInRow += 1
                    }
                } else if slot != Int.min {
                    // Parse and find the delimiter in one pass; anything unusual after the
                    // number (blanks, junk) goes through the trimming parser on the whole field.
                    var (result, stop) = DecimalParser.parsePrefix(bytes, from: p, to: to)
                    p = stop
                    if p < to, bytes[p] != comma, bytes[p] != newline, bytes[p] != carriageReturn {
                        if bytes[start] == quote {
                            // A quoted number (Python's QUOTE_ALL / QUOTE_NONNUMERIC write them).
                            guard let content = quotedContent(bytes, at: start, to: to) else { return false }
                            p = content.upperBound + 1
                            result = DecimalParser.parse(UnsafeBufferPointer(rebasing: bytes[content]))
                        } else {
                            while p < to, bytes[p] != comma, bytes[p] != newline, bytes[p] != carriageReturn { p += 1 }
                            result = DecimalParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<p]))
                        }
                    }
                    if case .value(let v)? = result {
                        value = v
                    } else {
                        // Off the hot path: an empty field (nothing, blanks or `""`) under a
                        // policy; a missing target only with `.dropRow`.
                        let empty = result == nil ? p == start : result == .empty
                        guard empty, policy == .dropRow || (policy == .imputeMean && slot >= 0) else { return false }
                        value = policy == .imputeMean ? .nan : 0
                        missingInRow += 1
                    }
                } else if p < to && bytes[p] == quote {
                    // A skipped quoted field (a name with commas or escaped quotes in it, say).
                    guard let end = skippedQuotedFieldEnd(bytes, at: p, to: to) else { return false }
                    p = end
                } else {
                    while p < to {
                        let b = bytes[p]
                        if b == comma || b == newline || b == carriageReturn { break }
                        // A skipped column: anything but quotes inside an unquoted field.
                        if b == quote { return false }
                        p += 1
                    }
                }
                // The field must end with a comma, except the last, which ends the line.
                let last = c == columns - 1
                if last {
                    if p + 1 < to && bytes[p] == carriageReturn && bytes[p + 1] == newline { p += 1 }
                    if p < to && bytes[p] != newline { return false }
                } else if p >= to || bytes[p] != comma {
                    return false
                }
                if slot >= 0 {
                    row[slot] = value
                } else if slot == -1 {
                    shared.targets[firstRow + r] = value
                }
                p += 1
            }
            if missingInRow > 0 {
                missing += missingInRow
                if policy == .dropRow { shared.dropped[firstRow + r] = true }
            }
        }
        shared.missing[chunk] = missing
        shared.emptyLines[chunk] = emptyLines
        return true
    }
}
