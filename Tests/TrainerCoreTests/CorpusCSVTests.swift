import Foundation
import Testing
@testable import TrainerCore

/// The malformed-input corpus `Tests/Corpus/csv`: each file is one case, and
/// `manifest.json` says what loading it must give — the exact shape and values, or the exact
/// line, column and reason of the error.
struct CorpusCSVTests {
    static let cases = Corpus.manifest("csv").map(CorpusCase.init)

    @Test func everyCorpusFileHasAManifestEntryAndViceVersa() {
        let listed = Set(Self.cases.compactMap { $0.entry["file"] as? String })
        #expect(Self.cases.count >= 25)
        #expect(listed == Set(Corpus.files("csv")))
    }

    @Test(arguments: cases)
    func loadsAsTheManifestSays(_ c: CorpusCase) throws {
        let entry = c.entry
        let file = try #require(entry["file"] as? String)
        let model = try #require(entry["model"] as? String)
        let kind = try #require(ModelKind(rawValue: model))
        let missing = entry["missing"] as? String ?? "error"
        let policy = try #require(MissingValuePolicy(rawValue: missing))
        let target = try #require(entry["target"] as? String)
        let path = Corpus.url("csv", file).path
        let result = Result { () throws(DataError) -> LoadedDataset in
            try DatasetLoader.load(path: path, target: target, features: nil, kind: kind, missing: policy)
        }
        if let expected = entry["error"] as? [String: Any] {
            guard case .failure(let error) = result else {
                Issue.record("\(file) loaded, but the manifest expects an error")
                return
            }
            #expect(error.file == path)
            #expect(error.line == expected["line"] as? Int, "line of \(error)")
            #expect(error.column == expected["column"] as? Int, "column of \(error)")
            let reason = try #require(expected["reason"] as? String)
            #expect(error.reason.contains(reason), "\(error.reason)")
            return
        }
        let ok = try #require(entry["ok"] as? [String: Any])
        let loaded: LoadedDataset
        switch result {
        case .success(let value): loaded = value
        case .failure(let error):
            Issue.record("\(file): \(error)")
            return
        }
        let d = loaded.dataset
        #expect(d.featureNames == ok["features"] as? [String])
        let rows = try #require(ok["rows"] as? [[Any]])
        #expect(d.features.rows == rows.count)
        for (i, row) in rows.enumerated() where i < d.features.rows {
            #expect(d.features.columns == row.count)
            for (j, cell) in row.enumerated() where j < d.features.columns {
                // null marks a missing value left as NaN for the imputer.
                if let number = cell as? Double {
                    #expect(d.features[i, j] == number, "row \(i) column \(j)")
                } else {
                    #expect(d.features[i, j].isNaN, "row \(i) column \(j)")
                }
            }
        }
        #expect(d.targets == ok["targets"] as? [Double])
        #expect(d.classes == ok["classes"] as? [String])
        #expect(loaded.missing.missingValues == ok["missing_values"] as? Int ?? 0)
        #expect(loaded.missing.droppedRows == ok["dropped_rows"] as? Int ?? 0)
    }

    /// 10,000 columns, generated rather than committed: the header, every value and the target
    /// must come through in place.
    @Test func tenThousandColumns() throws {
        let columns = 10_000
        var text = (0..<columns).map { "x\($0)" }.joined(separator: ",") + ",y\n"
        for row in 0..<3 {
            text += (0..<columns).map { String(row * columns + $0) }.joined(separator: ",") + ",\(row)\n"
        }
        let d = try DatasetLoader.load(contents: Array(text.utf8), sourcePath: "wide.csv", target: "y", features: nil, kind: .linear)
        #expect(d.features.rows == 3)
        #expect(d.features.columns == columns)
        #expect(d.featureNames.last == "x9999")
        #expect(d.features[2, 9_999] == 29_999)
        #expect(d.features[1, 0] == 10_000)
        #expect(d.targets == [0, 1, 2])
    }
}
