import Foundation
import Testing
@testable import TrainerCore

/// The config corpus `Tests/Corpus/config`: wrong types, unknown keys, out-of-range values and
/// syntax errors must fail at load with the exact key path (or line and column); a missing data
/// file and an unwritable runs_dir must fail before any training step.
@Suite(.serialized)
struct CorpusConfigTests {
    static let cases = Corpus.manifest("config").map(CorpusCase.init)

    @Test func everyCorpusFileHasAManifestEntryAndViceVersa() {
        let listed = Set(Self.cases.compactMap { $0.entry["file"] as? String })
        #expect(Self.cases.count >= 15)
        #expect(listed == Set(Corpus.files("config")))
    }

    /// Counts the steps training took, to prove a failure came before training.
    final class StepCounter: TrainingObserver {
        var steps = 0
        func trainerDidStep(_ record: StepRecord) { steps += 1 }
        func trainerDidFinishEpoch(_ record: EpochRecord) {}
    }

    @Test(arguments: cases)
    func failsAsTheManifestSays(_ c: CorpusCase) throws {
        let entry = c.entry
        let file = try #require(entry["file"] as? String)
        let path = Corpus.url("config", file).path
        let reason = try #require(entry["reason"] as? String)
        if entry["stage"] as? String == "load" {
            let error = try #require(throws: ConfigError.self) { _ = try TrainerConfig.load(path: path) }
            #expect(error.file == path)
            #expect(error.path == entry["path"] as? String, "path of \(error)")
            #expect(error.line == entry["line"] as? Int, "line of \(error)")
            #expect(error.column == entry["column"] as? Int, "column of \(error)")
            #expect(error.reason.contains(reason), "\(error.reason)")
            return
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var runsDir = scratch.appendingPathComponent("Runs").path
        if entry["runs_dir_under_regular_file"] as? Bool == true {
            // Works for root too (access() would not): no folder can be made inside a file.
            let regular = scratch.appendingPathComponent("regular-file")
            try Data("x".utf8).write(to: regular)
            runsDir = regular.appendingPathComponent("Runs").path
        }
        let run = try TrainingRun(configArgument: path, overrides: ["runs_dir=\(JSONValue.string(runsDir).serialized())"])
        let counter = StepCounter()
        let error = try #require(throws: TrainerError.self) { _ = try run.execute(observer: counter) }
        #expect(counter.steps == 0, "failed only after training started")
        switch (entry["error"] as? String, error) {
        case ("data", .data(let e)): #expect(e.reason.contains(reason), "\(e)")
        case ("runFolder", .runFolder(let e)): #expect(e.description.contains(reason), "\(e)")
        default: Issue.record("unexpected error \(error)")
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: scratch.appendingPathComponent("Runs").path)) ?? []
        #expect(left.isEmpty, "a failed run leaves no run folder")
    }

    /// A runs_dir without write permission; only meaningful when not root (root ignores modes).
    @Test(.enabled(if: geteuid() != 0, "root ignores permission bits"))
    func readOnlyRunsDirFailsBeforeTraining() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        let runs = scratch.appendingPathComponent("Runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        chmod(runs.path, 0o555)
        defer { chmod(runs.path, 0o755); try? FileManager.default.removeItem(at: scratch) }
        let path = Corpus.url("config", "runs_dir_parent_is_file.json").path
        let run = try TrainingRun(configArgument: path, overrides: ["runs_dir=\(JSONValue.string(runs.path).serialized())"])
        let counter = StepCounter()
        let error = try #require(throws: TrainerError.self) { _ = try run.execute(observer: counter) }
        guard case .runFolder = error else { Issue.record("\(error)"); return }
        #expect(counter.steps == 0)
    }
}
