import Foundation
import Testing

/// `trainer gradcheck` on the shipped gradient-check configs.
@Suite(.serialized)
struct GradcheckCommandTests {
    @Test(arguments: ["configs/gradcheck-logistic.json", "configs/gradcheck-softmax.json"])
    func shippedConfigsHaveAGoodGradient(_ config: String) throws {
        let result = try TrainerBinary.run(["gradcheck", config])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("verdict    good"), "\(result.stdout)")
        let errors = result.stdout.split(separator: "\n").filter { $0.contains("relative error") }
        #expect(errors.count == 2, "θ = 0 and a random θ")
        for line in errors {
            let value = line.split(separator: " ").drop { $0 != "error" }.dropFirst().first.flatMap { Double($0) }
            let e = try #require(value, "\(line)")
            #expect(e < 1e-7 && e >= 0)
        }
        #expect(result.stdout.contains(config.contains("softmax") ? "b[setosa]" : "w[mean_radius]"))
    }

    @Test func sweepingHChartsTheTradeOffWithItsMinimumNear1eMinus5() throws {
        let out = try TrainerBinary.temporaryDirectory()
        let result = try TrainerBinary.run(["gradcheck", "gradcheck-logistic", "--sweep-h", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let svg = try String(contentsOf: out.appendingPathComponent("gradcheck_h.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg"))
        // At the random point the error is smallest for h between 1e-6 and 1e-4.
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("smallest error at random θ") })
        let h = try #require(line.split(separator: " ").drop { $0 != "h" }.dropFirst(2).first.flatMap { Double($0) })
        #expect(h >= 1e-6 && h <= 1e-4, "\(line)")
        #expect(result.stdout.contains("1e-12"))
    }

    @Test func aWrongStepIsAUsageErrorAndABadConfigIs65() throws {
        #expect(try TrainerBinary.run(["gradcheck", "gradcheck-logistic", "--h", "-1"]).status == 64)
        let bad = try TrainerBinary.run(["gradcheck", "gradcheck-logistic", "--set", "model.l2=-1"])
        #expect(bad.status == 65 && bad.stderr.contains("model.l2"))
    }
}
