// libFuzzer entry point for the CSV reader and dataset loader, compiled together with the
// TrainerCore sources (see run.sh). A crash, a sanitizer report, or a broken invariant below
// (which traps on purpose, so libFuzzer saves the input) is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func csvFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    // The first byte picks the model kind and the missing-value policy, the rest is the file.
    let selector = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let kind = [ModelKind.linear, .logistic, .softmax][Int(selector % 3)]
    let policy = MissingValuePolicy.allCases[Int(selector / 3 % 3)]
    checkCSV(bytes, kind: kind, policy: policy)
    return 0
}

func checkCSV(_ bytes: [UInt8], kind: ModelKind, policy: MissingValuePolicy) {
    let lineCount = bytes.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
    func checkError(_ error: DataError) {
        if let line = error.line, line < 1 || line > lineCount {
            fatalError("error line \(line) outside 1...\(lineCount): \(error)")
        }
        if error.reason.isEmpty { fatalError("error without a reason") }
    }
    let header: [String]
    do {
        header = try CSVReader(bytes: bytes, file: "fuzz.csv").header
    } catch {
        checkError(error)
        return
    }
    guard let target = header.last else { fatalError("a header without columns was accepted") }
    do {
        let loaded = try DatasetLoader.load(
            contents: bytes, sourcePath: "fuzz.csv", target: target, features: nil, kind: kind, missing: policy)
        let d = loaded.dataset
        if d.features.rows != d.targets.count || d.features.columns != header.count - 1 {
            fatalError("shape mismatch: \(d.features.rows)×\(d.features.columns), \(d.targets.count) targets")
        }
        for value in d.features.values where !value.isFinite && !(policy == .imputeMean && value.isNaN) {
            fatalError("non-finite feature \(value) accepted")
        }
        if d.targets.contains(where: { !$0.isFinite }) { fatalError("non-finite target accepted") }
        if policy == .dropRow, loaded.missing.droppedRows > loaded.missing.missingValues {
            fatalError("more dropped rows than missing values")
        }
    } catch {
        checkError(error)
    }
}
