import Foundation

/// Turns the RUN argument of `inspect`, `compare`, `predict` and `evaluate` into a run folder.
///
/// RUN is, in order: a folder path; a file inside a run folder (`Runs/logreg/model.json`, so
/// shell completion on a file works too); or a run name looked up in the runs folder (`Runs/`
/// by default). A folder counts as a run when it holds `summary.json` or `config.json`, which
/// `trainer run` writes before training starts.
public enum RunLocator {
    /// The runs folder of the shipped configs (`runs_dir`'s default).
    public static let defaultRunsDirectory = "Runs"

    /// The run folder RUN names.
    ///
    /// - Throws: `RunReadError` naming every path that was tried, with the closest run name in
    ///   the runs folder when there is one.
    public static func locate(_ argument: String, runsDirectory: String = defaultRunsDirectory) throws(RunReadError) -> RunDirectory {
        guard !argument.isEmpty else { throw RunReadError(file: "RUN", reason: "empty run name") }
        var tried: [String] = []
        if isDirectory(argument) {
            return try validated(argument)
        }
        tried.append(argument)
        if exists(argument) {
            let parent = PathUtilities.directory(of: argument)
            if isRunFolder(parent) { return RunDirectory(path: parent) }
            throw RunReadError(file: argument, reason: "not a run folder (and not a file inside one)")
        }
        if !argument.contains("/") {
            let candidate = (runsDirectory as NSString).appendingPathComponent(argument)
            if isDirectory(candidate) { return try validated(candidate) }
            tried.append(candidate)
        }
        var reason = "no such run folder (looked for " + tried.map { "\"\($0)\"" }.joined(separator: " and ") + ")"
        let names = runNames(in: runsDirectory)
        let base = (argument as NSString).lastPathComponent
        if let suggestion = ColumnNameSuggester.suggestion(for: base, among: names) {
            reason += "; did you mean \"\(suggestion)\"?"
        } else if !names.isEmpty && names.count <= 12 {
            reason += "; runs in \(runsDirectory): " + names.joined(separator: ", ")
        }
        throw RunReadError(file: argument, reason: reason)
    }

    static func validated(_ path: String) throws(RunReadError) -> RunDirectory {
        guard isRunFolder(path) else {
            throw RunReadError(file: path, reason: "not a run folder: it has neither summary.json nor config.json")
        }
        return RunDirectory(path: path)
    }

    static func isRunFolder(_ path: String) -> Bool {
        let d = RunDirectory(path: path)
        return exists(d.file("summary.json")) || exists(d.file("config.json"))
    }

    /// Run folders directly inside `runsDirectory`, sorted.
    static func runNames(in runsDirectory: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: runsDirectory)) ?? []
        return entries.filter { isRunFolder((runsDirectory as NSString).appendingPathComponent($0)) }.sorted()
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
