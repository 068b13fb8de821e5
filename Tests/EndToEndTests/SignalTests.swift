import Foundation
import Testing

/// SIGINT, SIGTERM and SIGKILL against the real binary, then `trainer resume`, compared with an
/// uninterrupted run of the same config.
@Suite(.serialized)
struct SignalTests {
    /// Long enough (tens of thousands of steps) that a signal sent right after the first
    /// checkpoint lands mid-run; short enough to finish in a couple of seconds.
    static let settings = [
        "--set", "training.epochs=1500", "--set", "training.checkpoint_every=40", "--set", "training.log_every=7",
        "--set", "training.accumulation_steps=2", "--set", "optimizer.momentum=0.9", "--quiet",
    ]

    /// Starts `trainer run softmax` in the background.
    static func start(runs: URL, name: String) throws -> Process {
        let process = Process()
        process.executableURL = TrainerBinary.executable
        process.arguments = ["run", "softmax", "--set", "runs_dir=\(runs.path)", "--name", name] + settings
        process.currentDirectoryURL = TrainerBinary.packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts `trainer run softmax` named `name` and returns once it has written its first
    /// checkpoint, with the process and its run folder.
    static func startPastFirstCheckpoint(runs: URL, name: String) throws -> (Process, URL) {
        let folder = runs.appendingPathComponent(name)
        let process = try start(runs: runs, name: name)
        try waitForCheckpoint(folder, process)
        return (process, folder)
    }

    /// Waits (up to 60 s) until the run has written its first checkpoint.
    static func waitForCheckpoint(_ folder: URL, _ process: Process) throws {
        let file = folder.appendingPathComponent("checkpoint.json").path
        for _ in 0..<6_000 {
            if FileManager.default.fileExists(atPath: file) { return }
            try #require(process.isRunning, "the run ended before writing a checkpoint")
            usleep(10_000)
        }
        Issue.record("no checkpoint after 60 s")
    }

    static func checkpointStep(_ folder: URL) throws -> Int {
        try #require(TrainerBinary.json(folder.appendingPathComponent("checkpoint.json"))["step"] as? Int)
    }

    static func same(_ a: URL, _ b: URL, _ file: String) throws -> Bool {
        try Data(contentsOf: a.appendingPathComponent(file)) == Data(contentsOf: b.appendingPathComponent(file))
    }

    /// One uninterrupted reference run, then SIGINT, SIGTERM and SIGKILL each followed by resume.
    @Test func signalThenResumeEqualsAnUninterruptedRun() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: runs) }
        let reference = try TrainerBinary.run(["run", "softmax", "--set", "runs_dir=\(runs.path)", "--name", "whole"] + Self.settings)
        #expect(reference.status == 0, "stderr: \(reference.stderr)")
        for signal in [SIGINT, SIGTERM, SIGKILL] {
            try interruptAndResume(runs: runs, signal: signal)
        }
    }

    func interruptAndResume(runs: URL, signal: Int32) throws {
        let (process, folder) = try Self.startPastFirstCheckpoint(runs: runs, name: "cut-\(signal)")
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let summary = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        if signal == SIGKILL {
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(summary["status"] as? String == "running")
        } else {
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 130)
            #expect(summary["status"] as? String == "interrupted")
            let steps = try #require(summary["steps"] as? Int)
            #expect(try Self.checkpointStep(folder) == steps, "the interruption checkpoint is at the last step")
            #expect(steps < 6_000, "the signal must land mid-run (6,000 steps in all)")
        }
        let cutAt = try Self.checkpointStep(folder)
        #expect(cutAt > 0)

        let resumed = try TrainerBinary.run(["resume", folder.path, "--quiet"])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        let after = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        #expect(after["status"] as? String == "completed")
        #expect(after["resumed_from_step"] as? Int == cutAt)
        let whole = runs.appendingPathComponent("whole")
        for file in ["model.json", "metrics.csv", "epochs.csv"] {
            #expect(try Self.same(whole, folder, file), "signal \(signal): \(file) differs from the uninterrupted run")
        }
        // One event file with the same events (only their wall times differ, 8 bytes each,
        // so the same size): none lost before the cut, none repeated after it.
        let events = try Self.eventFiles(folder), wholeEvents = try Self.eventFiles(whole)
        #expect(events.count == 1 && wholeEvents.count == 1, "\(events) \(wholeEvents)")
        #expect(events.first?.count == wholeEvents.first?.count, "signal \(signal): event file size differs")
    }

    /// The contents of the run folder's TensorBoard event files.
    static func eventFiles(_ folder: URL) throws -> [Data] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("events.out.tfevents.") }
            .map { try Data(contentsOf: folder.appendingPathComponent($0)) }
    }

    /// A run folder that stops accepting writes (here a file size limit, as a full disk would):
    /// training stops at once instead of running on unrecorded, the files end with whole rows,
    /// summary.json says why and where to continue, and `trainer resume` — once the cause is
    /// gone — finishes the run as if nothing had happened.
    @Test func aRunFolderThatCannotBeWrittenStopsTheRunAndResumeFinishesIt() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: runs) }
        let reference = try TrainerBinary.run(["run", "softmax", "--set", "runs_dir=\(runs.path)", "--name", "whole"] + Self.settings)
        #expect(reference.status == 0, "stderr: \(reference.stderr)")

        // bash: ignore SIGXFSZ, so writing past the limit fails with EFBIG instead of killing.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"", TrainerBinary.executable.path,
                             "run", "softmax", "--set", "runs_dir=\(runs.path)", "--name", "full"] + Self.settings
        process.currentDirectoryURL = TrainerBinary.packageRoot
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 73, "stderr: \(stderr)")
        #expect(stderr.contains("metrics.csv: cannot write: File too large"), "\(stderr)")

        let folder = runs.appendingPathComponent("full")
        let summary = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        #expect(summary["status"] as? String == "interrupted")
        let reason = try #require(summary["stop_reason"] as? String)
        #expect(reason.contains("writing the run folder failed at step") && reason.contains("trainer resume"), "\(reason)")
        let steps = try #require(summary["steps"] as? Int)
        #expect(steps < 6_000, "training must stop at the failure")
        let metrics = try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(metrics.hasSuffix("\n"))
        #expect(metrics.split(separator: "\n").allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 14 })

        let resumed = try TrainerBinary.run(["resume", folder.path, "--quiet"])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        for file in ["model.json", "metrics.csv", "epochs.csv"] {
            #expect(try Self.same(runs.appendingPathComponent("whole"), folder, file), "\(file) differs from the uninterrupted run")
        }
    }

    /// A resume of a folder whose run is still going is refused before it touches anything
    /// (exit 73), and the run finishes as if nothing had happened.
    @Test func resumeWhileTheRunIsGoingIsRefused() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: runs) }
        let (process, folder) = try Self.startPastFirstCheckpoint(runs: runs, name: "busy")
        // TensorBoard can follow the run: its event file already holds the steps up to the
        // checkpoint (the version record is ~40 bytes, each logged step's event ~90).
        let live = try Self.eventFiles(folder)
        #expect(live.count == 1 && live[0].count > 300, "\(live.map(\.count))")
        let refused = try TrainerBinary.run(["resume", folder.path, "--quiet"])
        let stillRunning = process.isRunning
        process.waitUntilExit()
        #expect(stillRunning, "the run must still be going when the resume is tried")
        #expect(refused.status == 73, "stderr: \(refused.stderr)")
        #expect(refused.stderr.contains("another trainer process is writing this run folder"), "\(refused.stderr)")
        #expect(process.terminationStatus == 0)
        let summary = try TrainerBinary.json(folder.appendingPathComponent("summary.json"))
        #expect(summary["status"] as? String == "completed")
        #expect(summary["steps"] as? Int == 6_000)
    }

    /// Without --quiet, a resume reports progress like a run (plain lines when stderr is not a
    /// terminal), from the epoch it continues in to the last, then prints the summary.
    @Test func resumeShowsProgressFromTheResumedEpoch() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: runs) }
        let (process, folder) = try Self.startPastFirstCheckpoint(runs: runs, name: "progress")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let epoch = try #require(TrainerBinary.json(folder.appendingPathComponent("checkpoint.json"))["epoch"] as? Int)
        let resumed = try TrainerBinary.run(["resume", folder.path])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        let lines = resumed.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("epoch \(epoch)/1500  step ") == true, "\(resumed.stderr)")
        #expect(lines.last?.hasPrefix("epoch 1500/1500  step 6000  train_loss ") == true, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("completed"), "\(resumed.stdout)")
    }

    @Test func resumeOfAFinishedRunIsABadInput() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: runs) }
        let done = try TrainerBinary.run(["run", "logreg", "--set", "runs_dir=\(runs.path)", "--set", "training.epochs=2", "--quiet"])
        #expect(done.status == 0)
        let again = try TrainerBinary.run(["resume", runs.appendingPathComponent("logreg").path])
        #expect(again.status == 65)
        #expect(again.stderr.contains("nothing to resume: the run already ended with status \"completed\""), "\(again.stderr)")
    }
}
