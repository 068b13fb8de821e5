import Testing
@testable import TrainerCore

@Suite struct GradientCheckTests {
    /// f(θ) = Σ cᵢ θᵢ⁴/4 + θ₀θ₁, whose gradient is cᵢθᵢ³ + (θ₁, θ₀, 0, …).
    static let c = [1.0, 2, 0.5, 3]
    static func f(_ t: [Double]) -> Double {
        var s = t[0] * t[1]
        for i in t.indices { s += c[i] * t[i] * t[i] * t[i] * t[i] / 4 }
        return s
    }
    static func grad(_ t: [Double]) -> [Double] {
        var g = t.indices.map { c[$0] * t[$0] * t[$0] * t[$0] }
        g[0] += t[1]
        g[1] += t[0]
        return g
    }
    static let point = [0.3, -0.7, 1.1, 0.4]

    @Test func aCorrectGradientIsGood() {
        let check = GradientCheck.run(label: "p", at: Self.point, value: Self.f, gradient: Self.grad)
        #expect(check.relativeError < 1e-9, "\(check.relativeError)")
        #expect(check.verdict == .good)
        for (a, n) in zip(check.analytic, check.numeric) { #expect(abs(a - n) < 1e-9) }
    }

    @Test func aWrongGradientIsFlaggedAsABugAndItsCoordinateIsTheWorst() {
        // A classic bug: the cross term's derivative forgotten in one coordinate.
        let wrong: ([Double]) -> [Double] = { t in
            var g = Self.grad(t)
            g[1] -= t[0]
            return g
        }
        let check = GradientCheck.run(label: "p", at: Self.point, value: Self.f, gradient: wrong)
        #expect(check.relativeError > 1e-3, "\(check.relativeError)")
        #expect(check.verdict == .bug)
        let worst = check.worst(2, names: ["a", "b", "c", "d"])
        #expect(worst.first?.index == 1 && worst.first?.name == "b")
        #expect(abs((worst.first?.difference ?? 0) - 0.3) < 1e-8)
    }

    @Test func aSlightlyScaledGradientIsSuspicious() {
        let scaled: ([Double]) -> [Double] = { Self.grad($0).map { $0 * (1 + 1e-4) } }
        let check = GradientCheck.run(label: "p", at: Self.point, value: Self.f, gradient: scaled)
        #expect(check.verdict == .suspicious, "\(check.relativeError)")
    }

    @Test func bothGradientsZeroIsAnExactMatch() {
        let check = GradientCheck.run(label: "0", at: [0, 0, 0, 0], value: Self.f, gradient: Self.grad)
        #expect(check.analyticNorm == 0 && check.numericNorm == 0)
        #expect(check.relativeError == 0)
        #expect(check.verdict == .good)
        #expect(GradientCheck.relativeError([0, 0], [1e-3, 0]) == 1)
    }

    @Test func verdictThresholds() {
        #expect(GradientCheckVerdict(relativeError: 9.9e-8) == .good)
        #expect(GradientCheckVerdict(relativeError: 1e-7) == .acceptable)
        #expect(GradientCheckVerdict(relativeError: 1e-5) == .acceptable)
        #expect(GradientCheckVerdict(relativeError: 2e-5) == .suspicious)
        #expect(GradientCheckVerdict(relativeError: 1e-3) == .suspicious)
        #expect(GradientCheckVerdict(relativeError: 1.1e-3) == .bug)
        #expect(GradientCheckVerdict(relativeError: .nan) == .bug)
        #expect([GradientCheckVerdict.acceptable, .bug, .good].max() == .bug)
    }

    @Test func theSoftmaxObjectiveWithL2AndBiasPassesAtARandomPoint() throws {
        let x = try Matrix(rowArrays: [[0.5, -1.2], [1.5, 0.3], [-0.7, 0.9], [0.1, 0.1], [2.0, -0.4]])
        let objective = try LinearModelObjective(kind: .softmax, features: x, targets: [0, 1, 2, 1, 0], classCount: 3, fitsBias: true, l2: 0.1)
        var rng = SeededGenerator(seed: 1)
        let theta = (0..<objective.parameterCount).map { _ in rng.nextGaussian() }
        let check = try GradientCheck.run(
            label: "random", at: theta,
            value: { (t: [Double]) throws(LinearAlgebraError) -> Double in try objective.value(t) },
            gradient: { (t: [Double]) throws(LinearAlgebraError) -> [Double] in try objective.valueAndGradient(t).gradient })
        #expect(check.verdict == .good, "\(check.relativeError)")
        let names = GradientCheckRun.parameterNames(objective: objective, features: ["a", "b"], classes: ["p", "q", "r"])
        #expect(names == ["w[a,p]", "w[a,q]", "w[a,r]", "w[b,p]", "w[b,q]", "w[b,r]", "b[p]", "b[q]", "b[r]"])
    }
}
