import Foundation
import Testing

@Suite(.serialized)
struct CompareCommandTests {
    @Test func compareShowsBothRunsAndWritesAnSVG() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let a = try TrainerBinary.train("logreg", into: runs, name: "slow", settings: ["training.epochs=5", "optimizer.lr=0.01"])
        let b = try TrainerBinary.train("logreg", into: runs, name: "fast", settings: ["training.epochs=5"])
        let svg = runs.appendingPathComponent("loss.svg")
        let result = try TrainerBinary.run(["compare", a.path, b.path, "--svg", svg.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4, "header, rule, two runs: \(result.stdout)")
        #expect(lines[0].hasPrefix("run ") && lines[0].contains("val acc") && lines[0].contains("gap f−f*"))
        let slow = try #require(lines.first { $0.hasPrefix("slow ") })
        let fast = try #require(lines.first { $0.hasPrefix("fast ") })
        #expect(slow.contains("0.01") && slow.contains("completed") && slow.contains(" 75 "), "\(slow)")
        #expect(fast.contains("0.1") && fast.contains("logistic"))

        let chart = try String(contentsOf: svg, encoding: .utf8)
        #expect(chart.hasPrefix("<svg"))
        #expect(chart.contains(">slow</text>") && chart.contains(">fast</text>"))
        #expect(chart.contains("(log scale)"))
        #expect(chart.components(separatedBy: "<path d=").count - 1 == 2, "one curve per run")
    }

    @Test func compareJSONHasOneObjectPerRun() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        _ = try TrainerBinary.train("logreg", into: runs, settings: ["training.epochs=2"])
        _ = try TrainerBinary.train("linreg", into: runs, settings: ["training.epochs=2"])
        let result = try TrainerBinary.run(["compare", "logreg", "linreg", "--runs-dir", runs.path, "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["run"] as? String } == ["logreg", "linreg"])
        #expect(rows.map { $0["metric"] as? String } == ["accuracy", "r2"])
        #expect(rows.allSatisfy { ($0["steps"] as? Double ?? 0) > 0 })
    }

    @Test func oneMissingRunFailsTheWholeCompare() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        _ = try TrainerBinary.train("logreg", into: runs, settings: ["training.epochs=1"])
        let result = try TrainerBinary.run(["compare", "logreg", "ghost", "--runs-dir", runs.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("ghost") && result.stderr.contains("no such run folder"))
    }
}
