import Foundation
import Testing

/// `trainer run configs/exercise5-sweep.json`: four learning rates, one folder.
@Suite(.serialized)
struct SweepCommandTests {
    @Test func theLearningRateSweepRunsEveryMemberAndExitsZeroDespiteDivergence() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["run", "configs/exercise5-sweep.json", "--set", "runs_dir=\(runs.path)"])
        #expect(result.status == 0, "a diverging member is a result; stderr: \(result.stderr)")
        let folder = runs.appendingPathComponent("exercise5-sweep")
        let entries = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let members = ["0.001", "0.01", "0.1", "1"].map { "exercise5-sweep-optimizer.lr=\($0)" }
        for name in members + ["sweep.csv", "sweep.md", "sweep_loss.svg", "sweep_gap.svg"] {
            #expect(entries.contains(name), "\(name) in \(entries.sorted())")
        }
        for member in members {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(member).appendingPathComponent("summary.json").path))
        }

        let table = try TrainerBinary.csv(folder.appendingPathComponent("sweep.csv"))
        let column = { (name: String) throws -> Int in try #require(table.header.firstIndex(of: name)) }
        #expect(table.rows.count == 4)
        let lr = try column("optimizer.lr"), status = try column("status"), steps = try column("steps_to_tolerance")
        let measured = try column("measured_contraction"), predicted = try column("predicted_contraction")
        #expect(table.rows.map { $0[lr] } == ["0.001", "0.01", "0.1", "1"])
        #expect(table.rows[0][status] == "not yet converged")
        #expect(table.rows[1][status] == "converged")
        #expect(table.rows[2][status] == "converged")
        #expect(table.rows[3][status].hasPrefix("diverged at step "), "\(table.rows[3][status])")
        #expect(table.rows[0][steps].isEmpty)
        // Faster with the larger stable rate.
        let s1 = try #require(Int(table.rows[1][steps])), s2 = try #require(Int(table.rows[2][steps]))
        #expect(s2 < s1 && s1 <= 1000)
        // Measured and predicted contraction agree for the converging members (within 1%).
        for row in table.rows.prefix(3) {
            let m = try #require(Double(row[measured])), p = try #require(Double(row[predicted]))
            #expect(abs(m - p) < 0.01 * p, "measured \(m), predicted \(p)")
            #expect(p < 1)
        }
        #expect(try #require(Double(table.rows[3][predicted])) > 1)

        // One reference solve for the sweep: the members train the same objective.
        let references = try members.map { member in
            try #require(TrainerBinary.json(folder.appendingPathComponent(member).appendingPathComponent("summary.json"))["reference"] as? [String: Any])
        }
        let notes = references.map { ($0["notes"] as? [String]) ?? [] }
        #expect(!notes[0].contains { $0.hasPrefix("solved once for the sweep") })
        for (reference, memberNotes) in zip(references.dropFirst(), notes.dropFirst()) {
            #expect(memberNotes.contains { $0.hasSuffix("as member exercise5-sweep-optimizer.lr=0.001") }, "\(memberNotes)")
            #expect(reference["objective"] as? Double == references[0]["objective"] as? Double)
            #expect(reference["lambda_max"] as? Double == references[0]["lambda_max"] as? Double)
        }

        #expect(result.stdout.contains("| optimizer.lr | status |"), "the table is printed: \(result.stdout)")
        #expect(result.stdout.contains("diverged at step"))
        let svg = try String(contentsOf: folder.appendingPathComponent("sweep_loss.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<path ").count - 1 == 4, "one curve per member")
        for legend in ["lr=0.001", "lr=0.01", "lr=0.1", "lr=1"] { #expect(svg.contains(">\(legend)<")) }
    }

    /// Members with different objectives each solve their own reference.
    @Test func membersWithDifferentObjectivesSolveTheirOwnReference() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run([
            "run", "exercise5-sweep", "--set", "runs_dir=\(runs.path)", "--set", "sweep={\"model.l2\": [0, 0.5]}",
            "--set", "optimizer.lr=0.1",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let folder = runs.appendingPathComponent("exercise5-sweep")
        let references = try ["0", "0.5"].map { l2 in
            try #require(TrainerBinary.json(folder.appendingPathComponent("exercise5-sweep-model.l2=\(l2)").appendingPathComponent("summary.json"))["reference"] as? [String: Any])
        }
        for reference in references {
            #expect(!((reference["notes"] as? [String]) ?? []).contains { $0.hasPrefix("solved once for the sweep") })
        }
        let f0 = try #require(references[0]["objective"] as? Double), f1 = try #require(references[1]["objective"] as? Double)
        #expect(f1 > f0, "the penalised optimum is higher: \(f0) vs \(f1)")
    }

    @Test func aBadSweepValueIsAConfigErrorBeforeAnythingRuns() throws {
        let runs = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["run", "exercise5-sweep", "--set", "runs_dir=\(runs.path)", "--set", "sweep={\"optimizer.lr\": [0.1, 0.01, 0]}"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("sweep.optimizer.lr[2]: must be > 0, got 0"), "stderr: \(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: runs.path).isEmpty)
    }
}
