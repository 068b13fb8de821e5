/// Rows of a CSV file laid out for a saved model: the model's feature columns, picked by name,
/// and (for evaluation) the target column encoded the way training encoded it.
///
/// Columns are matched by header name, never by position, so the file may hold its columns in
/// any order and carry extra ones (an id, the target when predicting): they are ignored.
/// Numbers go through the shipped `CSVReader`, so they are parsed exactly and every bad value is
/// reported as `file:line:column`. Empty feature fields are errors, unless the model was trained
/// with `data.missing = "impute_mean"`: then they get the training split's means from model.json.
public struct ModelInput: Sendable {
    /// Raw (unstandardized) features, one row per data record, columns in `model.features` order.
    public var features: Matrix
    /// Targets when read: the value (linear) or the class index into `model.classes`.
    public var targets: [Double]?
    /// The physical line each row starts on, for messages about a row.
    public var lines: [Int]

    /// Reads `path` for `model`; `requireTarget` makes the target column mandatory.
    ///
    /// Plain numeric files are mapped and parsed on every core by `FastNumericCSV`, as training
    /// reads them (`predict` on a 409 MB file: 1.6–2.2 s through the general reader, see
    /// Benchmarks/NOTES.md, round 8), softmax labels matched to the model's classes by
    /// `ClassLookup` once per distinct label; anything it declines goes through the general
    /// reader, which gives the same rows and reports every error.
    public static func load(path: String, model: SavedModel, requireTarget: Bool) throws(DataError) -> ModelInput {
        if let fast = fastLoad(path: path, model: model, requireTarget: requireTarget) { return fast }
        return try read(contents: FileBytes.contents(ofFile: path), file: path, model: model, requireTarget: requireTarget)
    }

    /// `FastNumericCSV` for `load`, or nil.
    static func fastLoad(path: String, model: SavedModel, requireTarget: Bool) -> ModelInput? {
        guard let mapped = MappedFile(path: path) else { return nil }
        return FileTruncationGuard.reading(mapped) { () -> ModelInput? in
            fastRead(bytes: mapped.bytes, model: model, requireTarget: requireTarget, releasingPages: true)
        }
    }

    /// `FastNumericCSV` on CSV text, or nil. A file taken here has one physical line per record
    /// or empty line after the header (no line break inside quotes), so each row's line comes
    /// from its slot (`Table.lineNumbers`).
    /// Logistic targets are its 0/1 numbers, which are the class indices of the model's classes
    /// "0" and "1".
    static func fastRead(
        bytes: UnsafeBufferPointer<UInt8>, model: SavedModel, requireTarget: Bool, releasingPages: Bool = false
    ) -> ModelInput? {
        // A model trained with impute_mean fills empty feature fields with its means: the fast
        // path marks them NaN (nothing else loads as NaN), replaced here.
        let means = model.imputationMeans
        let lookup = ClassLookup(model.classes ?? [])
        guard var table = FastNumericCSV.table(
                  bytes: bytes, target: requireTarget ? model.target : nil, features: model.features,
                  kind: requireTarget ? model.kind : .linear, missing: means == nil ? .error : .imputeMean,
                  classIndex: { lookup.index(of: $0, logistic: false) }, releasingPages: releasingPages,
                  // Predictions read the rows in order: 4 KiB pages (see `DatasetCache.hugePages`).
                  hugePages: false)
        else { return nil }
        if let means, table.missingValues > 0 {
            let d = table.features.columns
            guard means.count == d else { return nil }
            for i in table.features.values.indices where table.features.values[i].isNaN {
                table.features.values[i] = means[i % d]
            }
        }
        return ModelInput(features: table.features, targets: table.targets, lines: table.lineNumbers)
    }

    /// Reads CSV `contents`; `file` is used in errors only.
    ///
    /// - Throws: `DataError` for malformed CSV, missing feature columns (all listed at once),
    ///   a missing target when required, a non-numeric feature, or a target the model cannot
    ///   have been trained on (a class not in `model.classes`, a logistic target other than 0/1).
    public static func read(contents: [UInt8], file: String, model: SavedModel, requireTarget: Bool) throws(DataError) -> ModelInput {
        var reader = try CSVReader(bytes: contents, file: file)
        let header = reader.header
        var position: [String: Int] = [:]
        for (i, name) in header.enumerated() { position[name] = i }
        let missing = model.features.filter { position[$0] == nil }
        if !missing.isEmpty {
            let list = missing.map { "\"\($0)\"" }.joined(separator: ", ")
            var reason = "missing \(missing.count == 1 ? "feature column" : "\(missing.count) feature columns") the model needs: \(list)"
            if missing.count == 1, let suggestion = ColumnNameSuggester.suggestion(for: missing[0], among: header) {
                reason += " (did you mean \"\(suggestion)\"?)"
            } else if missing.count == model.features.count {
                // Nothing matches: most likely the wrong file or the wrong run.
                reason += "; none of them is in the file, whose columns are " + header.map { "\"\($0)\"" }.joined(separator: ", ")
            }
            throw DataError(file: file, line: reader.headerLine, reason: reason)
        }
        let featureIndices = model.features.compactMap { position[$0] }
        let targetIndex = requireTarget ? position[model.target] : nil
        if requireTarget && targetIndex == nil {
            var reason = "missing target column \"\(model.target)\" (the model's target, needed to evaluate)"
            if let suggestion = ColumnNameSuggester.suggestion(for: model.target, among: header) {
                reason += "; did you mean \"\(suggestion)\"?"
            }
            throw DataError(file: file, line: reader.headerLine, reason: reason)
        }
        let classIndex = ClassLookup(model.classes ?? [])

        var values: [Double] = []
        var targets: [Double] = []
        var lines: [Int] = []
        var record = CSVRecord()
        while try reader.readRecord(into: &record) {
            for (j, index) in featureIndices.enumerated() {
                let field = record.fields[index]
                // A model trained with impute_mean fills empty fields the way training did.
                if let means = model.imputationMeans, reader.trimmedContent(field).isEmpty {
                    values.append(means[j])
                } else {
                    values.append(try reader.number(of: field, column: index))
                }
            }
            if let t = targetIndex {
                let field = record.fields[t]
                switch model.kind {
                case .linear:
                    targets.append(try reader.number(of: field, column: t))
                case .logistic, .softmax:
                    guard let c = classIndex.index(of: reader.trimmedContent(field), logistic: model.kind == .logistic) else {
                        let known = (model.classes ?? []).map { "\"\($0)\"" }.joined(separator: ", ")
                        throw reader.error(field, column: t, reason: "class \(reader.quotedExcerpt(field)) is not one the model knows (\(known))")
                    }
                    targets.append(Double(c))
                }
            }
            lines.append(record.line)
        }
        guard !lines.isEmpty else {
            throw DataError(file: file, reason: "no data rows: the file has a header but no records")
        }
        let matrix: Matrix
        do {
            matrix = try Matrix(rows: lines.count, columns: featureIndices.count, values: values)
        } catch {
            // Unreachable: one value per feature per row was appended above; still no trap.
            throw DataError(file: file, reason: "internal error: \(error)")
        }
        return ModelInput(features: matrix, targets: targetIndex == nil ? nil : targets, lines: lines)
    }
}

/// Maps a target field's text to a class index the way `DatasetLoader` built the classes:
/// logistic targets are the numbers 0 and 1 in any spelling (`1.0`); softmax labels match
/// exactly, or as integers when every class is an integer (so `01` is class "1").
struct ClassLookup {
    let classes: [String]
    let exact: [String: Int]
    let integers: [Int: Int]?

    init(_ classes: [String]) {
        self.classes = classes
        var exact: [String: Int] = [:]
        for (i, c) in classes.enumerated() { exact[c] = i }
        self.exact = exact
        let parsed = classes.map { DecimalParser.parseInteger(Array($0.utf8)) }
        if parsed.allSatisfy({ $0 != nil }) {
            var integers: [Int: Int] = [:]
            for (i, v) in parsed.enumerated() { if let v { integers[v] = i } }
            self.integers = integers
        } else {
            self.integers = nil
        }
    }

    func index(of content: ArraySlice<UInt8>, logistic: Bool) -> Int? {
        if logistic {
            let parsed = content.withUnsafeBufferPointer { DecimalParser.parse($0) }
            guard case .value(let v) = parsed else { return nil }
            return v == 0 ? 0 : (v == 1 ? 1 : nil)
        }
        if let integers, let v = DecimalParser.parseInteger(content) { return integers[v] }
        guard let text = String(validating: content, as: UTF8.self) else { return nil }
        return exact[text]
    }
}
