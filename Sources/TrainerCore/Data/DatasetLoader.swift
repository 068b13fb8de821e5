/// Loads a `Dataset` from a CSV file with a header row.
///
/// Data policy (see `CSVReader` for the syntax):
/// - Feature columns and regression targets must be finite decimal numbers; spaces and tabs
///   around them are ignored. NaN/infinity, hex floats and values that overflow a `Double` are
///   errors. Empty values are errors unless `data.missing` says to drop or impute them
///   (`MissingValuePolicy`).
/// - `.logistic` targets must be 0 or 1 (any numeric spelling, e.g. `1.0`) and both must occur.
/// - `.softmax` targets are labels (integers or text, see `ClassLabelEncoder` for the class order);
///   at least two distinct labels must occur.
public enum DatasetLoader {
    /// Loads the file at `path`, treating any missing value as an error.
    ///
    /// `features == nil` means every column except the target.
    ///
    /// - Throws: `DataError` for an unreadable file, malformed CSV, unknown or conflicting column
    ///   names, and any value that does not fit `kind`.
    public static func load(path: String, target: String, features: [String]?, kind: ModelKind) throws(DataError) -> Dataset {
        try load(path: path, target: target, features: features, kind: kind, missing: .error).dataset
    }

    /// Loads the file at `path`, applying the missing-value policy `missing`.
    ///
    /// With the default policy (`error`) the result comes from the binary cache when the file is
    /// unchanged, and plain numeric files are mapped (`MappedFile`) and parsed by the parallel
    /// fast path; both fall back to the general reader for anything else, so results and error
    /// messages are the same. The other policies take the fast path too (it applies them), and
    /// the cache: a file with no empty field in the columns used shares the default policy's
    /// entry (the result is the same under every policy), one with empty fields has an entry of
    /// its own under `impute_mean` and under `drop_row` (with the counts it reports).
    ///
    /// `hugePages`: whether shuffled epochs will read the matrix itself (see
    /// `DatasetCache.hugePages`).
    public static func load(
        path: String, target: String, features: [String]?, kind: ModelKind, missing: MissingValuePolicy,
        hugePages: Bool = true
    ) throws(DataError) -> LoadedDataset {
        var cache = DatasetCache.standard
        cache.hugePages = hugePages
        return try load(path: path, target: target, features: features, kind: kind, missing: missing, cache: cache)
    }

    /// `load(path:target:features:kind:missing:)` with the cache given (tests).
    static func load(
        path: String, target: String, features: [String]?, kind: ModelKind, missing: MissingValuePolicy,
        cache: DatasetCache
    ) throws(DataError) -> LoadedDataset {
        let selection = "target=\(target)\nfeatures=\(features.map { $0.joined(separator: "\u{0}") } ?? "<all>")\nkind=\(kind.rawValue)"
        // The parallel fast path over the mapped file, or nil when it declines the file.
        func fastLoad(_ policy: MissingValuePolicy) -> LoadedDataset? {
            guard let mapped = MappedFile(path: path) else { return nil }
            return FileTruncationGuard.reading(mapped) {
                FastNumericCSV.table(
                    bytes: mapped.bytes, target: target, features: features, kind: kind, missing: policy,
                    releasingPages: true, hugePages: cache.hugePages
                )?.loaded(target: target, sourcePath: path, policy: policy)
            }
        }
        func generalLoad(_ policy: MissingValuePolicy) throws(DataError) -> LoadedDataset {
            let bytes = try FileBytes.contents(ofFile: path)
            return try load(contents: bytes, sourcePath: path, target: target, features: features, kind: kind, missing: policy)
        }
        // A file without an empty field in the columns used gives the same dataset under every
        // policy, with nothing to report, so it shares the default policy's cache entry: the
        // parse (fast path, else general reader, both applying the policy) runs inside the
        // cache's load and stores only such a dataset; a file with empty fields leaves the load
        // with its result in `withEmptyFields`. Before, every run under a policy read the file
        // with the general reader: 1.74–3.11 s for the 409 MB benchmark file, against
        // 0.39–0.41 s on the fast path and 0.029 s from the cache (Benchmarks/NOTES.md).
        func cleanFilesShared() throws(DataError) -> LoadedDataset {
            var withEmptyFields: LoadedDataset?
            let notClean = DataError(file: path, reason: "has empty fields")
            do {
                let dataset = try cache.load(path: path, selection: selection) { () throws(DataError) in
                    let loaded: LoadedDataset
                    if let fast = fastLoad(missing) { loaded = fast } else { loaded = try generalLoad(missing) }
                    guard loaded.missing.missingValues > 0 else { return loaded.dataset }
                    withEmptyFields = loaded
                    throw notClean
                }
                return LoadedDataset(dataset: dataset, missing: MissingValueReport(policy: missing))
            } catch {
                if let withEmptyFields { return withEmptyFields }
                throw error
            }
        }
        if missing != .error {
            // A file with empty fields has an entry of its own per policy, which stores the
            // report's two counts: the dataset alone cannot tell how many rows `drop_row` left
            // out. The 409 MB benchmark file with 10,003 empty fields under `drop_row`: 0.43–
            // 0.48 s on every run when it was not cached, 0.03–0.13 s from the cache.
            var clean: LoadedDataset?
            let isClean = DataError(file: path, reason: "has no empty field")
            do {
                let (dataset, counts) = try cache.load(path: path, selection: selection + "\nmissing=\(missing.rawValue)") {
                    () throws(DataError) -> (Dataset, counts: [Int]) in
                    let loaded = try cleanFilesShared()
                    guard loaded.missing.missingValues > 0 else {
                        clean = loaded
                        throw isClean
                    }
                    return (loaded.dataset, [loaded.missing.missingValues, loaded.missing.droppedRows])
                }
                // An entry without the two counts is not one this code wrote: parse again.
                guard counts.count == 2 else { return try cleanFilesShared() }
                return LoadedDataset(
                    dataset: dataset, missing: MissingValueReport(policy: missing, missingValues: counts[0], droppedRows: counts[1]))
            } catch {
                if let clean { return clean }
                throw error
            }
        }
        let dataset = try cache.load(path: path, selection: selection) { () throws(DataError) in
            if let fast = fastLoad(.error) { return fast.dataset }
            return try generalLoad(.error).dataset
        }
        return LoadedDataset(dataset: dataset, missing: MissingValueReport(policy: .error))
    }

    /// Loads CSV `contents` already in memory; `sourcePath` is only used in errors and the result.
    public static func load(
        contents: [UInt8], sourcePath: String, target: String, features: [String]?, kind: ModelKind
    ) throws(DataError) -> Dataset {
        try load(contents: contents, sourcePath: sourcePath, target: target, features: features, kind: kind, missing: .error).dataset
    }

    /// Loads CSV `contents` already in memory with the missing-value policy `missing`.
    ///
    /// A field is missing when it is empty after trimming spaces and tabs (`""` too). With
    /// `.error` the first one is reported by line and column; with `.dropRow` every row holding
    /// one (feature or target) is left out; with `.imputeMean` missing features become NaN for
    /// ``MissingValueImputer`` and a missing target is an error.
    public static func load(
        contents: [UInt8], sourcePath: String, target: String, features: [String]?, kind: ModelKind,
        missing policy: MissingValuePolicy
    ) throws(DataError) -> LoadedDataset {
        var reader = try CSVReader(bytes: contents, file: sourcePath)
        let header = reader.header
        let targetIndex = try columnIndex(of: target, role: "target column", in: reader)
        let featureIndices = try resolveFeatures(features, targetIndex: targetIndex, in: reader)

        var values: [Double] = []
        var targets: [Double] = []
        var labels = ClassLabelEncoder()
        var record = CSVRecord()
        var rows = 0
        var report = MissingValueReport(policy: policy)
        while try reader.readRecord(into: &record) {
            if policy != .error {
                // Count first, so a dropped row leaves no half-appended values behind.
                var missingInRow = 0
                for index in featureIndices where reader.trimmedContent(record.fields[index]).isEmpty {
                    missingInRow += 1
                }
                let targetField = record.fields[targetIndex]
                let targetMissing = reader.trimmedContent(targetField).isEmpty
                report.missingValues += missingInRow + (targetMissing ? 1 : 0)
                if policy == .dropRow, missingInRow > 0 || targetMissing {
                    report.droppedRows += 1
                    continue
                }
                if targetMissing {
                    throw reader.error(
                        targetField, column: targetIndex,
                        reason: "missing target value (data.missing = \"\(policy.rawValue)\" only fills features; use \"drop_row\" to skip such rows)")
                }
            }
            for index in featureIndices {
                let field = record.fields[index]
                if policy == .imputeMean, reader.trimmedContent(field).isEmpty {
                    values.append(.nan)
                } else {
                    values.append(try reader.number(of: field, column: index))
                }
            }
            let field = record.fields[targetIndex]
            switch kind {
            case .linear:
                targets.append(try reader.number(of: field, column: targetIndex))
            case .logistic:
                targets.append(try binaryTarget(field, column: targetIndex, reader: reader))
            case .softmax:
                try labels.append(field, column: targetIndex, reader: reader)
            }
            rows += 1
        }
        guard rows > 0 else {
            if report.droppedRows > 0 {
                throw DataError(
                    file: sourcePath,
                    reason: "no data rows left: all \(report.droppedRows) rows have a missing value (data.missing = \"drop_row\")")
            }
            throw DataError(file: sourcePath, reason: "no data rows: the file has a header but no records")
        }

        var classes: [String]?
        switch kind {
        case .linear:
            classes = nil
        case .logistic:
            let ones = targets.reduce(0, +)
            if ones == 0 || ones == Double(rows) {
                throw DataError(
                    file: sourcePath, column: targetIndex + 1, columnName: target,
                    reason: "logistic regression needs both classes 0 and 1, but every target is \(ones == 0 ? 0 : 1)")
            }
            classes = ["0", "1"]
        case .softmax:
            let encoded = labels.finish()
            guard encoded.classes.count >= 2 else {
                let only = encoded.classes.first.map { " (\"\($0)\")" } ?? ""
                throw DataError(
                    file: sourcePath, column: targetIndex + 1, columnName: target,
                    reason: "softmax regression needs at least 2 classes, found \(encoded.classes.count)\(only)")
            }
            targets = encoded.targets
            classes = encoded.classes
        }

        let matrix: Matrix
        do {
            matrix = try Matrix(rows: rows, columns: featureIndices.count, values: values)
        } catch {
            // Unreachable: one value per feature per row was appended above. Still a thrown error,
            // never a trap, should that invariant ever break.
            throw DataError(file: sourcePath, reason: "internal error: \(error)")
        }
        let dataset = Dataset(
            featureNames: featureIndices.map { header[$0] }, features: matrix, targetName: header[targetIndex],
            targets: targets, classes: classes, sourcePath: sourcePath)
        return LoadedDataset(dataset: dataset, missing: report)
    }

    // MARK: - Column resolution

    private static func resolveFeatures(_ names: [String]?, targetIndex: Int, in reader: CSVReader) throws(DataError) -> [Int] {
        let header = reader.header
        guard let names else {
            let indices = header.indices.filter { $0 != targetIndex }
            if indices.isEmpty {
                throw DataError(
                    file: reader.file,
                    reason: "no feature columns: the file has only the target column \"\(header[targetIndex])\"")
            }
            return indices
        }
        guard !names.isEmpty else {
            throw DataError(file: reader.file, reason: "no feature columns: the feature list is empty")
        }
        var indices: [Int] = []
        var seen: Set<Int> = []
        for name in names {
            let index = try columnIndex(of: name, role: "feature column", in: reader)
            if index == targetIndex {
                throw DataError(
                    file: reader.file, column: index + 1, columnName: name,
                    reason: "target column \"\(name)\" is also listed as a feature")
            }
            guard seen.insert(index).inserted else {
                throw DataError(
                    file: reader.file, column: index + 1, columnName: name,
                    reason: "feature column \"\(name)\" is listed more than once")
            }
            indices.append(index)
        }
        return indices
    }

    /// The 0-based index of `name`, or an error listing the columns, a likely intended name and
    /// a delimiter hint when the header did not split at all.
    private static func columnIndex(of name: String, role: String, in reader: CSVReader) throws(DataError) -> Int {
        let header = reader.header
        if let index = header.firstIndex(of: name) { return index }
        var reason = "unknown \(role) \"\(name)\""
        if let suggestion = ColumnNameSuggester.suggestion(for: name, among: header) {
            reason += "; did you mean \"\(suggestion)\"?"
        }
        reason += "; available columns: " + header.map { "\"\($0)\"" }.joined(separator: ", ")
        if header.allSatisfy({ Double($0) != nil }) {
            // The first row is always the header; a row of numbers there means it is missing.
            reason += "; the first row looks like data, not a header: the file needs a header row naming the columns"
        }
        if header.count == 1 {
            let only = header[0]
            if only.contains("\t") {
                reason += "; the header has a single column, the file looks tab-delimited (only commas separate fields)"
            } else if only.contains(";") {
                reason += "; the header has a single column, the file looks semicolon-delimited (only commas separate fields)"
            }
        }
        throw DataError(file: reader.file, line: reader.headerLine, reason: reason)
    }

    // MARK: - Targets

    /// A logistic target: numerically 0 or 1, anything else names the value found.
    private static func binaryTarget(_ field: CSVField, column: Int, reader: CSVReader) throws(DataError) -> Double {
        let value: Double
        do {
            value = try reader.number(of: field, column: column)
        } catch where error.reason == "empty value" {
            throw error
        } catch {
            value = .nan  // non-numeric text such as "yes": reported below with the same message
        }
        if value == 0 { return 0 }
        if value == 1 { return 1 }
        throw reader.error(
            field, column: column,
            reason: "logistic regression needs targets 0 or 1, found \(reader.quotedExcerpt(field))")
    }
}
