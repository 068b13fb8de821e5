import Foundation
import Testing

/// Runs the built `trainer` executable the way a user would, from the package root.
struct TrainerBinary {
    /// The package root (three levels above this file).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `trainer` next to the test bundle (`swift test` builds it in the same folder).
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the tests run from `<bin>/trainerPackageTests.xctest`; elsewhere from inside a bundle.
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("trainer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/trainer")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `trainer arguments…` in `directory` (the package root by default).
    static func run(_ arguments: [String], in directory: URL = packageRoot, environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Files rather than pipes: nothing can fill up and block the child.
        let scratch = try temporaryDirectory()
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        try? FileManager.default.removeItem(at: scratch)
        return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Parses a JSON file into Foundation objects (the tests read files the way another tool would).
    static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return object
    }

    /// Rows of a CSV file written by trainer (no quoting needed: numbers and plain names).
    static func csv(_ url: URL) throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines.first ?? [], Array(lines.dropFirst()))
    }
}

extension TrainerBinary {
    /// Trains shipped config `config` quietly into `runs` and returns the run folder.
    /// (Shared by the inspect/compare/predict/evaluate tests.)
    static func train(_ config: String, into runs: URL, name: String? = nil, settings: [String] = []) throws -> URL {
        var arguments = ["run", config, "--set", "runs_dir=\(runs.path)", "--quiet"]
        for s in settings { arguments += ["--set", s] }
        if let name { arguments += ["--name", name] }
        let result = try run(arguments)
        guard result.status == 0 || result.status == 3 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "trainer run failed: \(result.stderr)"])
        }
        return runs.appendingPathComponent(name ?? config)
    }

    /// Fraction of rows whose `label` column equals the dataset's target column.
    static func accuracy(predictions: String, dataset: URL, target: String) throws -> (accuracy: Double, rows: Int) {
        let labels = predictions.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        let data = try csv(dataset)
        let column = try #require(data.header.firstIndex(of: target))
        let truth = data.rows.map { $0[column] }
        guard labels.count == truth.count else { return (0, labels.count) }
        let correct = zip(labels, truth).filter { $0 == $1 }.count
        return (Double(correct) / Double(truth.count), labels.count)
    }
}
