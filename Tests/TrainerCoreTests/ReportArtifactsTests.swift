import Foundation
import Testing
@testable import TrainerCore

/// Runs short trainings on the shipped configs and checks the derived files of the run folder.
@Suite(.serialized) struct ReportArtifactsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ config: String, _ overrides: [String]) throws -> (TrainingRun.Result, URL) {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        let run = try TrainingRun(configArgument: root.appendingPathComponent(config).path, overrides: ["runs_dir=\(runs.path)"] + overrides)
        return (try run.execute(), runs)
    }

    static func files(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    static func read(_ folder: String, _ name: String) throws -> String {
        try String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
    }

    @Test func completedRunWritesChartsReportAndEvents() throws {
        let (result, runs) = try Self.run("Configs/logreg.json", ["training.epochs=4"])
        defer { try? FileManager.default.removeItem(at: runs) }
        let folder = result.directory.path
        let files = try Self.files(folder)
        for name in ["loss.svg", "grad_norm.svg", "lr.svg", "objective_gap.svg", "report.html"] {
            #expect(files.contains(name), "\(name) in \(files)")
        }
        let events = files.filter { $0.hasPrefix("events.out.tfevents.") }
        #expect(events.count == 1)
        #expect(!files.contains { $0.contains(".tmp") }, "no temporary file left: \(files)")

        // 4 epochs of ⌈455 / 32⌉ = 15 steps, every step logged: 1 + 60 + 4 records.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(events[0])))
        #expect(TensorBoardEventTests.records(bytes)?.count == 1 + 60 + 4)

        let html = try Self.read(folder, "report.html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(SVGChartTests.count("<svg ", in: html) == 4)
        // Self-contained: nothing fetched from anywhere.
        for external in ["<script", "<link", "src=", "@import", "url(http"] { #expect(!html.contains(external), "\(external)") }
        #expect(html.contains("<span class=\"badge completed\">completed</span>"))
        #expect(html.contains("completed 4 epochs"))
        #expect(html.contains("<h2>Diagnosis</h2>"))
        // The verdict in the page is the one in summary.json.
        guard case .string(let verdict)? = result.summary["diagnosis"]?["verdict"] else { Issue.record("no verdict"); return }
        #expect(html.contains(RunReport.escape(verdict)))
        #expect(html.contains("<caption>Reference optimum</caption>"))
        // Each chart's clip path id is used once per page.
        for id in ["clip-loss", "clip-grad-norm", "clip-lr", "clip-objective-gap"] {
            #expect(SVGChartTests.count("<clipPath id=\"\(id)\">", in: html) == 1)
        }
    }

    @Test func chartsAreTheSameBytesForTheSameRun() throws {
        let (a, runsA) = try Self.run("Configs/softmax.json", ["training.epochs=3"])
        let (b, runsB) = try Self.run("Configs/softmax.json", ["training.epochs=3"])
        defer { try? FileManager.default.removeItem(at: runsA); try? FileManager.default.removeItem(at: runsB) }
        for name in ["loss.svg", "grad_norm.svg", "lr.svg", "objective_gap.svg"] {
            let x = try Self.read(a.directory.path, name), y = try Self.read(b.directory.path, name)
            #expect(x == y, "\(name) differs between identical runs")
            #expect(x.count > 1000)
        }
    }

    /// A diverged run's record built by hand: no epochs, a divergence, no reference.
    static func divergedRecord(in folder: String) throws -> RunRecord {
        let config = try TrainerConfig.load(path: root.appendingPathComponent("Configs/linreg.json").path, overrides: ["optimizer.lr=100"])
        let steps = [DiagnosisTests.step(1, epoch: 1, norm: 8e4, loss: 3e4, lr: 100), DiagnosisTests.step(2, epoch: 1, norm: 1.2e12, loss: 5e18, lr: 100)]
        let divergence = DivergenceReport(step: 2, epoch: 1, lr: 100, loss: 5e18, gradNorm: 1.2e12, reason: "the loss <exploded>", hint: "lower optimizer.lr")
        let outcome = TrainingOutcome(parameters: [0], status: .diverged, stopReason: "diverged at step 2: the loss <exploded>", steps: 2,
                                      epochsCompleted: 0, divergence: divergence, skippedSteps: 0, clippedSteps: 0, restoredEpoch: nil)
        let summary = JSONValue.object([
            ("status", .string("diverged")), ("stop_reason", .string(outcome.stopReason)), ("name", .string("div")),
            ("steps", .number(2)), ("epochs_completed", .number(0)),
            ("final", .object([("train_loss", .number(5.35e18)), ("val_loss", .number(5.3e18)), ("train_r2", .number(-8.9e14)), ("val_r2", .null)])),
            ("divergence", .object([("step", .number(2)), ("reason", .string("the loss <exploded>"))])),
            ("reference", .null),
            ("timing", .object([("total_seconds", .number(0.5))])),
        ])
        return RunRecord(directory: RunDirectory(path: folder), config: config, status: .diverged, outcome: outcome,
                         steps: steps, epochs: [], reference: nil,
                         diagnosis: Diagnosis.analyze(steps: steps, epochs: [], outcome: outcome, reference: nil, clipNorm: nil),
                         summary: summary)
    }

    @Test func divergedRunReportAndDeterminism() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        var contents: [[String: Data]] = []
        for sub in ["a", "b"] {
            let folder = base.appendingPathComponent(sub).path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try RunArtifacts.write(try Self.divergedRecord(in: folder))
            var files: [String: Data] = [:]
            for name in try Self.files(folder) { files[name] = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name)) }
            // The report names its folder; that is the one intended difference.
            let report = try Self.read(folder, "report.html")
            #expect(report.contains(folder))
            files["report.html"] = Data(report.replacingOccurrences(of: folder, with: "FOLDER").utf8)
            contents.append(files)
        }
        // Same record: every file is the same bytes.
        #expect(contents[0] == contents[1])
        #expect(contents[0].keys.sorted() == ["grad_norm.svg", "loss.svg", "lr.svg", "report.html"])

        let html = try Self.read(base.appendingPathComponent("a").path, "report.html")
        #expect(html.contains("<span class=\"badge diverged\">diverged</span>"))
        #expect(html.contains("the loss &lt;exploded&gt;"))  // escaped, not markup
        #expect(!html.contains("<exploded>"))
        #expect(html.contains("<caption>Divergence</caption>"))
        #expect(html.contains("<caption>Reference optimum</caption><tr><td class=\"none\">not available</td></tr>"))
        #expect(html.contains("<li class=\"warning\"><span class=\"kind\">diverged</span>"))
        #expect(SVGChartTests.count("<svg ", in: html) == 3)  // no objective_gap without a reference
    }
}
