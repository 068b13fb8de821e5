import Foundation
import Testing

@Suite(.serialized)
struct InspectCommandTests {
    static let blocks = "▁▂▃▄▅▆▇█"

    @Test func inspectShowsStatusSummaryAndSparklines() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let folder = try TrainerBinary.train("logreg", into: runs, settings: ["training.epochs=10"])
        let result = try TrainerBinary.run(["inspect", folder.path, "--height", "1"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let out = result.stdout
        #expect(out.contains("status     completed"))
        #expect(out.contains("optimizer  sgd, lr 0.1, batch 32"))
        #expect(out.contains("steps      150 of 150 steps in 10 epochs"), "\(out)")
        #expect(out.contains("reference  f* = "))
        #expect(out.contains("diagnosis  "))
        let lossTitle = try #require(out.split(separator: "\n").firstIndex { $0.hasPrefix("training loss per step (log scale)") })
        let spark = out.split(separator: "\n")[lossTitle + 1]
        #expect(spark.filter { Self.blocks.contains($0) }.count == 60, "a 60-column sparkline: \(spark)")
        #expect(out.contains("gradient norm ‖g‖ per step (log scale)"))
        #expect(out.contains("1") && out.contains("150  (step)"))
    }

    @Test func jsonHasTheSummaryAndDownsampledSeries() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        _ = try TrainerBinary.train("logreg", into: runs)
        let result = try TrainerBinary.run(["inspect", "logreg", "--runs-dir", runs.path, "--json", "--points", "100"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let doc = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try #require(doc["summary"] as? [String: Any])
        #expect(summary["status"] as? String == "completed")
        let series = try #require(doc["series"] as? [String: Any])
        #expect(series["logged_points"] as? Double == 1500)
        let steps = try #require(series["step"] as? [Double])
        #expect(steps.count <= 100 && steps.count > 20)
        #expect(steps.first == 1 && steps.last == 1500)
        #expect((series["loss"] as? [Double])?.count == steps.count)
        #expect((series["grad_norm"] as? [Double])?.count == steps.count)
        #expect((doc["model"] as? [String: Any])?["present"] as? Bool == true)
    }

    @Test func divergedAndRunningRunsAreShownNotCrashedOn() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let hot = try TrainerBinary.train("logreg", into: runs, name: "hot", settings: ["optimizer.lr=5000"])
        let diverged = try TrainerBinary.run(["inspect", hot.path])
        #expect(diverged.status == 0, "stderr: \(diverged.stderr)")
        #expect(diverged.stdout.contains("status     diverged"))
        #expect(diverged.stdout.contains("diverged   step "))

        // A run killed mid-training: status "running", no final numbers, no model.json.
        let folder = try TrainerBinary.train("logreg", into: runs, settings: ["training.epochs=3"])
        let summaryURL = folder.appendingPathComponent("summary.json")
        var summary = try TrainerBinary.json(summaryURL)
        for key in ["final", "reference", "diagnosis", "steps", "planned_steps", "epochs_completed", "divergence"] { summary[key] = nil }
        summary["status"] = "running"
        summary["stop_reason"] = NSNull()
        try JSONSerialization.data(withJSONObject: summary).write(to: summaryURL)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.json"))
        let running = try TrainerBinary.run(["inspect", folder.path])
        #expect(running.status == 0, "stderr: \(running.stderr)")
        #expect(running.stdout.contains("status     running"))
        #expect(running.stdout.contains("model.json missing"), "\(running.stdout)")
        #expect(running.stdout.contains("45 logged so far"))
    }

    @Test func nonexistentRunNamesThePathsTried() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["inspect", "nope", "--runs-dir", runs.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("\"\(runs.path)/nope\""), "stderr: \(result.stderr)")
    }
}
