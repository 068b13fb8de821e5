import Foundation
import Testing
@testable import TrainerCore

/// Checkpoints and resume through the run folder: files cut back after a hard kill, and a
/// resumed folder byte-identical to an uninterrupted one.
@Suite(.serialized)
struct CheckpointRunFolderTests {
    static let configPath = ResumeTests.packageRoot.appendingPathComponent("Configs/softmax.json").path

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func run(_ runs: URL, _ extra: [String] = []) throws -> TrainingRun {
        try TrainingRun(configArgument: configPath, overrides: [
            "runs_dir=\(JSONValue.string(runs.path).serialized())", "training.epochs=12", "training.log_every=3",
            "training.checkpoint_every=7", "training.accumulation_steps=2", "optimizer.momentum=0.5",
        ] + extra)
    }

    /// Answers true from the `n`-th poll on (polled once per step).
    final class PollCounter {
        var polls = 0
        let limit: Int
        init(_ limit: Int) { self.limit = limit }
        func poll() -> Bool { polls += 1; return polls >= limit }
    }

    static func bytes(_ folder: URL, _ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    @Test func resumeAfterAHardKillMatchesAnUninterruptedRun() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let whole = try Self.run(root.appendingPathComponent("a")).execute()
        #expect(whole.status == .completed)

        let counter = PollCounter(30)
        let stopped = try Self.run(root.appendingPathComponent("b")).execute(stopRequested: counter.poll)
        #expect(stopped.status == .interrupted)
        let folder = URL(fileURLWithPath: stopped.directory.path)
        let checkpoint = try TrainingCheckpoint(json: JSONValue.parse(utf8: Array(Self.bytes(folder, "checkpoint.json"))))
        #expect(checkpoint.step == 29)
        #expect(stopped.summary["status"] == .string("interrupted"))
        #expect(stopped.summary["checkpoint"]?["step"] == .number(29))

        // What a kill -9 after more steps leaves: extra rows past the checkpoint, a torn last
        // line, and a summary still saying "running".
        let metrics = folder.appendingPathComponent("metrics.csv")
        let handle = try FileHandle(forWritingTo: metrics)
        handle.seekToEndOfFile()
        handle.write(Data("30,4,0.1,0.5,16,1,1,1,1,1,1,1,1,0\n31,4,0.1,0.5,1".utf8))
        try handle.close()
        let epochs = folder.appendingPathComponent("epochs.csv")
        let epochHandle = try FileHandle(forWritingTo: epochs)
        epochHandle.seekToEndOfFile()
        epochHandle.write(Data("99,99,1,1,1,1\n".utf8))
        try epochHandle.close()
        try AtomicFile.write(#"{"status": "running"}"#, to: folder.appendingPathComponent("summary.json").path)
        // And events past the checkpoint, the last one torn.
        let stoppedEvents = try #require(try MetricsWriterTests.eventFile(RunDirectory(path: folder.path)))
        let eventHandle = try FileHandle(forWritingTo: folder.appendingPathComponent(stoppedEvents.name))
        eventHandle.seekToEndOfFile()
        eventHandle.write(Data(TensorBoardEvents.stepEvent(MetricsWriterTests.step(30, epoch: 4), wallTime: 1) + [1, 2, 3]))
        try eventHandle.close()

        let resumed = try TrainingRun.resume(runFolder: folder.path)
        #expect(resumed.status == .completed)
        #expect(resumed.summary["resumed_from_step"] == .number(29))
        let a = URL(fileURLWithPath: whole.directory.path)
        for name in ["model.json", "metrics.csv", "epochs.csv"] {
            #expect(try Self.bytes(a, name) == Self.bytes(folder, name), "\(name) differs from the uninterrupted run")
        }
        #expect(resumed.summary["steps"] == whole.summary["steps"])
        #expect(resumed.summary["final"] == whole.summary["final"])
        // One event file with every step's and epoch's event once, as in the uninterrupted run.
        let wholeEvents = try #require(try MetricsWriterTests.eventFile(whole.directory))
        let resumedEvents = try #require(try MetricsWriterTests.eventFile(RunDirectory(path: folder.path)))
        let expected = try #require(MetricsWriterTests.eventsWithoutWallTimes(wholeEvents.bytes))
        #expect(MetricsWriterTests.eventsWithoutWallTimes(resumedEvents.bytes)?.events == expected.events)
        let rows = { (name: String) in try String(contentsOf: a.appendingPathComponent(name), encoding: .utf8).split(separator: "\n").count - 1 }
        #expect(expected.events.count == 1 + (try rows("metrics.csv")) + (try rows("epochs.csv")))
    }

    @Test func resumeRefusesAFinishedRunAnEditedConfigAndAMissingCheckpoint() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let done = try Self.run(root).execute()
        let finished = try #require(throws: TrainerError.self) { _ = try TrainingRun.resume(runFolder: done.directory.path) }
        #expect("\(finished)".contains("nothing to resume: the run already ended with status \"completed\""))

        let stopped = try Self.run(root, ["name=\"edited\""]).execute(stopRequested: PollCounter(5).poll)
        let folder = URL(fileURLWithPath: stopped.directory.path)
        let configURL = folder.appendingPathComponent("config.json")
        let original = try Data(contentsOf: configURL)
        let edited = String(decoding: original, as: UTF8.self).replacingOccurrences(of: "\"lr\": 0.1", with: "\"lr\": 0.2")
        #expect(edited != String(decoding: original, as: UTF8.self))
        try Data(edited.utf8).write(to: configURL)
        let hash = try #require(throws: TrainerError.self) { _ = try TrainingRun.resume(runFolder: folder.path) }
        #expect("\(hash)".contains("config.json was changed since the checkpoint was written"))

        try original.write(to: configURL)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("checkpoint.json"))
        let missing = try #require(throws: TrainerError.self) { _ = try TrainingRun.resume(runFolder: folder.path) }
        #expect("\(missing)".contains("no checkpoint to resume from"))
    }

    /// One writer per run folder: a second lock is refused while the first is held (even in the
    /// same process: `flock` locks belong to the open file), and granted once it is released.
    @Test func runFolderLockIsExclusiveAndReleasedWithItsHolder() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        var first: RunFolderLock? = try RunFolderLock(folder: root.path)
        #expect(throws: RunFolderError.inUse(path: root.path)) { _ = try RunFolderLock(folder: root.path) }
        withExtendedLifetime(first) {}
        first = nil
        _ = try RunFolderLock(folder: root.path)
        let missing = root.appendingPathComponent("no-such-folder").path
        #expect(throws: RunFolderError.self) { _ = try RunFolderLock(folder: missing) }
    }

    /// A resume while another process holds the folder is refused before it reads or cuts
    /// anything; once the folder is free the same resume succeeds.
    @Test func resumeOfAFolderInUseIsRefusedAndTouchesNothing() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let stopped = try Self.run(root).execute(stopRequested: PollCounter(20).poll)
        #expect(stopped.status == .interrupted)
        let folder = URL(fileURLWithPath: stopped.directory.path)
        // Rows past the checkpoint, which a resume would cut back.
        let metrics = folder.appendingPathComponent("metrics.csv")
        let handle = try FileHandle(forWritingTo: metrics)
        handle.seekToEndOfFile()
        handle.write(Data("99,9,0.1,0.5,16,1,1,1,1,1,1,1,1,0\n".utf8))
        try handle.close()
        let before = try Self.bytes(folder, "metrics.csv")

        var holder: RunFolderLock? = try RunFolderLock(folder: folder.path)
        let refused = try #require(throws: TrainerError.self) { _ = try TrainingRun.resume(runFolder: folder.path) }
        guard case .runFolder(let reason) = refused else {
            Issue.record("expected a run folder error, got \(refused)")
            return
        }
        #expect(reason == .inUse(path: folder.path))
        #expect(try Self.bytes(folder, "metrics.csv") == before)
        withExtendedLifetime(holder) {}
        holder = nil
        #expect(try TrainingRun.resume(runFolder: folder.path).status == .completed)
    }

    @Test func anUnwritableCheckpointFailsTheRun() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        // A folder where checkpoint.json should go makes the rename fail, for root too.
        let run = try Self.run(root, ["name=\"blocked\""])
        let counter = PollCounter(3)
        let error = try #require(throws: TrainerError.self) {
            _ = try run.execute(stopRequested: {
                // On the first poll the run folder exists: block the checkpoint path.
                if counter.polls == 0 {
                    try? FileManager.default.createDirectory(
                        atPath: root.appendingPathComponent("blocked/checkpoint.json/x").path, withIntermediateDirectories: true)
                }
                return counter.poll()
            })
        }
        guard case .runFolder(let folderError) = error else { Issue.record("\(error)"); return }
        #expect(folderError.description.contains("checkpoint.json: cannot write"))
    }
}
