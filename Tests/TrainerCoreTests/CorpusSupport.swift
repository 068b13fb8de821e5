import Foundation

/// Paths of the malformed-input corpus under `Tests/Corpus`, found from this file so the tests
/// work in any clone.
enum Corpus {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")

    static func url(_ folder: String, _ file: String) -> URL {
        root.appendingPathComponent(folder).appendingPathComponent(file)
    }

    /// The entries of `<folder>/manifest.json`.
    static func manifest(_ folder: String) -> [[String: Any]] {
        guard let data = try? Data(contentsOf: url(folder, "manifest.json")),
              let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return entries
    }

    /// The corpus files of a folder (everything but the manifest).
    static func files(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
        return names.filter { $0 != "manifest.json" }.sorted()
    }
}

/// One manifest entry as a test argument (the dictionary is not Sendable).
struct CorpusCase: Sendable, CustomStringConvertible {
    let json: Data
    let description: String

    init(_ entry: [String: Any]) {
        json = (try? JSONSerialization.data(withJSONObject: entry)) ?? Data()
        let option = (entry["missing"] as? String).map { " [missing=\($0)]" } ?? ""
        description = "\(entry["file"] as? String ?? "?")\(option)"
    }

    var entry: [String: Any] {
        (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] ?? [:]
    }
}
