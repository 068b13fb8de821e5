import Foundation
import Testing
@testable import TrainerCore

/// Each finding kind on a log built to show it, and none of the problem kinds on a clean
/// converging log. Logs have 10 steps per epoch.
@Suite struct DiagnosisTests {
    static func step(_ s: Int, epoch: Int, norm: Double, loss: Double, lr: Double = 0.1) -> StepRecord {
        StepRecord(step: s, epoch: epoch, lr: lr, loss: loss, examples: 32, gradNorm: norm, clippedGradNorm: norm,
                   clipCoefficient: 1, gradNormWeights: norm, gradNormBias: 0, updateNorm: lr * norm, weightNorm: 1, skipped: false)
    }

    static func outcome(steps: Int, clipped: Int = 0, divergence: DivergenceReport? = nil) -> TrainingOutcome {
        TrainingOutcome(parameters: [0], status: divergence == nil ? .completed : .diverged, stopReason: "test", steps: steps,
                        epochsCompleted: steps / 10, divergence: divergence, skippedSteps: 0, clippedSteps: clipped, restoredEpoch: nil)
    }

    /// A log of `count` steps with ‖g‖ = norm(step) and loss = loss(step); the epoch rows carry
    /// the loss of the epoch's last step as the full training loss.
    static func log(_ count: Int, norm: (Int) -> Double, loss: (Int) -> Double) -> (steps: [StepRecord], epochs: [EpochRecord]) {
        let steps = (1...count).map { step($0, epoch: ($0 + 9) / 10, norm: norm($0), loss: loss($0)) }
        let epochs = stride(from: 10, through: count, by: 10).map {
            EpochRecord(epoch: $0 / 10, step: $0, trainLoss: loss($0), valLoss: loss($0) * 1.1, trainMetric: 0.9, valMetric: 0.85)
        }
        return (steps, epochs)
    }

    /// Deterministic ±30 % wobble standing in for mini-batch noise.
    static func wobble(_ s: Int) -> Double { 1 + 0.3 * sin(Double(s) * 1.7) }

    /// 500 steps: ‖g‖ decays from ~1 to a noise floor of 0.05, the loss from 0.7 towards f* = 0.1.
    static func clean() -> (steps: [StepRecord], epochs: [EpochRecord]) {
        log(500, norm: { (exp(-Double($0) / 100) + 0.05) * wobble($0) }, loss: { 0.1 + 0.6 * exp(-Double($0) / 100) })
    }

    static func reference(optimum: Double, gap: Double, eigenvalues: [Double]? = nil) -> ReferenceComparison {
        var r = ReferenceComparison()
        r.solution = ReferenceSolution(parameters: [0], objective: optimum, gradientNorm: 0, method: "test", iterations: 0, reciprocalCondition: nil, notes: [])
        r.objectiveGap = gap
        r.spectrum = eigenvalues.map(HessianSpectrum.init(eigenvalues:))
        return r
    }

    static func analyze(_ log: (steps: [StepRecord], epochs: [EpochRecord]), outcome: TrainingOutcome? = nil, reference: ReferenceComparison? = nil, clipNorm: Double? = nil) -> Diagnosis {
        Diagnosis.analyze(steps: log.steps, epochs: log.epochs, outcome: outcome ?? Self.outcome(steps: log.steps.count), reference: reference, clipNorm: clipNorm)
    }

    static let problemKinds: Set<String> = ["spikes", "vanishing", "converged", "diverging", "diverged", "plateau", "clipping"]

    @Test func cleanConvergingLogOnlyConverges() throws {
        let d = Self.analyze(Self.clean(), reference: Self.reference(optimum: 0.1, gap: 0.004))
        #expect(d.findings.map(\.kind) == ["converging"])
        #expect(Set(d.findings.map(\.kind)).isDisjoint(with: Self.problemKinds))
        #expect(d.verdict == "converging normally (gap f − f* = 0.004)")
        let f = try #require(d.findings.first)
        #expect(f.severity == .info)
        // Segment boundaries of 5 × 100 steps plus the last step.
        #expect(f.steps == [1, 101, 201, 301, 401, 500])
    }

    @Test func isolatedSpikesAreListedAsInfo() throws {
        var log = Self.clean()
        for s in [200, 350] { log.steps[s - 1].gradNorm *= 50 }
        let d = Self.analyze(log)
        let f = try #require(d.findings.first { $0.kind == "spikes" })
        #expect(f.steps == [200, 350])
        #expect(f.severity == .info)  // 2 of 500 steps is under 1 %
        #expect(f.message.contains("steps 200, 350 (2 in total)"))
        #expect(!f.message.contains("consecutive"))
        // Info findings do not lead the verdict.
        #expect(d.verdict.hasPrefix("converging normally"))
    }

    @Test func recurringSpikesAreAWarningAndTheListIsCapped() throws {
        var log = Self.clean()
        let spiked = Array(stride(from: 100, through: 490, by: 15))  // 27 spikes, > 1 % of 500
        for s in spiked { log.steps[s - 1].gradNorm *= 40 }
        let d = Self.analyze(log)
        let f = try #require(d.findings.first { $0.kind == "spikes" })
        #expect(f.severity == .warning)
        #expect(f.steps == Array(spiked.prefix(20)))
        #expect(f.message.contains("(27 in total, first 20 listed)"))
        #expect(d.verdict.hasPrefix("gradient spikes"))
    }

    @Test func spikeBaselineIsTheMedianOfThePreviousWindow() {
        let values = (1...40).map(Double.init)
        let medians = Diagnosis.runningMedians(values)
        #expect(medians[0..<Diagnosis.spikeMinHistory].allSatisfy { $0.isNaN })
        #expect(medians[5] == 3)  // median of 1…5
        #expect(medians[30] == 18)  // median of 6…30 (the 25 before index 30)
    }

    @Test func vanishingGradientEarly() throws {
        let d = Self.analyze(Self.log(500, norm: { 1e-9 * Self.wobble($0) }, loss: { _ in 0.693 }))
        let f = try #require(d.findings.first { $0.kind == "vanishing" })
        #expect(f.severity == .warning)
        #expect(f.steps == Array(1...20))
        #expect(f.message.contains("(50 in total, first 20 listed)"))  // the early window: 10 % of 500
        // A constant tiny gradient is neither divergence nor convergence.
        #expect(d.findings.map(\.kind) == ["vanishing"])
        #expect(d.verdict.hasPrefix("gradients were near zero from the start"))
    }

    @Test func nearZeroLateAtTheOptimum() throws {
        let log = Self.log(500, norm: { exp(-Double($0) / 20) }, loss: { 0.1 + exp(-Double($0) / 20) })
        let d = Self.analyze(log, reference: Self.reference(optimum: 0.1, gap: 1e-15))
        let f = try #require(d.findings.first { $0.kind == "converged" })
        // Threshold 1e-3 · e^(−1/20) = 9.512e-4, first reached where e^(−s/20) ≤ it: s = 140.
        #expect(f.steps == [140])
        #expect(f.message.contains("objective gap f − f* = 1e-15: at the optimum"))
        #expect(d.verdict == "converged: the gradient norm fell to near zero (gap f − f* = 1e-15)")
        #expect(!d.findings.contains { $0.kind == "plateau" })
    }

    @Test func nearZeroLateFarFromTheOptimumIsACriticalPoint() throws {
        let log = Self.log(500, norm: { exp(-Double($0) / 20) }, loss: { 0.6 + exp(-Double($0) / 20) })
        let d = Self.analyze(log, reference: Self.reference(optimum: 0.1, gap: 0.5))
        let f = try #require(d.findings.first { $0.kind == "converged" })
        #expect(f.message.contains("critical point"))
        #expect(f.action.contains("ill-conditioned"))
    }

    @Test func growingGradientNorm() throws {
        let log = Self.log(500, norm: { 0.1 * pow(1.02, Double($0)) }, loss: { 1 + 0.01 * Double($0) })
        let d = Self.analyze(log, reference: Self.reference(optimum: 0.5, gap: 5, eigenvalues: [4, 1]))
        let f = try #require(d.findings.first { $0.kind == "diverging" })
        #expect(f.severity == .warning)
        #expect(f.message.contains("grew"))
        #expect(f.steps.first == 451)  // the late window (last 50 steps) is entirely above the early median
        #expect(f.action.contains("stable below lr = 0.5"))  // 2 / λ_max
        #expect(d.verdict.hasPrefix("gradient norm grew"))
        #expect(!d.findings.contains { $0.kind == "spikes" })  // 2 % a step is growth, not spikes
    }

    @Test func persistentlyLargeGradientWithoutProgress() throws {
        let d = Self.analyze(Self.log(500, norm: { 2 * Self.wobble($0) }, loss: { _ in 1.0 }))
        let f = try #require(d.findings.first { $0.kind == "diverging" })
        #expect(f.message.contains("stayed large"))
        #expect(!d.findings.contains { $0.kind == "converging" })
    }

    @Test func divergedRunGetsAFinding() throws {
        let steps = [Self.step(1, epoch: 1, norm: 1, loss: 1), Self.step(2, epoch: 1, norm: 100, loss: 1e4), Self.step(3, epoch: 1, norm: 1e9, loss: 1e12)]
        let report = DivergenceReport(step: 3, epoch: 1, lr: 10, loss: 1e12, gradNorm: 1e9, reason: "the loss exploded", hint: "lower optimizer.lr")
        let d = Diagnosis.analyze(steps: steps, epochs: [], outcome: Self.outcome(steps: 3, divergence: report),
                                  reference: Self.reference(optimum: 0, gap: 1e12, eigenvalues: [8, 2]), clipNorm: nil)
        let f = try #require(d.findings.first)
        #expect(f.kind == "diverged")
        #expect(f.steps == [3])
        #expect(f.message.contains("step 3 (epoch 1), lr 10: the loss exploded"))
        #expect(f.message.contains("stable only below lr = 0.25"))
        #expect(f.action == "lower optimizer.lr")
        #expect(d.verdict == "diverged — lower optimizer.lr")
        #expect(!d.findings.contains { $0.kind == "diverging" })  // the stop says it already
    }

    /// Loss falls linearly to 0.5 by epoch 10, holds exactly 0.5 through epoch 30, then falls to 0.1.
    @Test func plateauThenEscape() throws {
        func loss(_ s: Int) -> Double {
            let e = Double(s) / 10
            if e <= 10 { return 1 - 0.5 * (e - 1) / 9 }
            if e <= 30 { return 0.5 }
            return 0.5 - 0.4 * (e - 30) / 30
        }
        let d = Self.analyze(Self.log(600, norm: { (exp(-Double($0) / 100) + 0.05) * Self.wobble($0) }, loss: loss))
        let f = try #require(d.findings.first { $0.kind == "plateau" })
        #expect(f.message.contains("epochs 10–30"))
        #expect(f.message.contains("(21 in total, first 20 listed)"))
        #expect(f.steps == Array(stride(from: 100, through: 290, by: 10)))
        #expect(f.message.contains("then fell again to 0.1"))
        #expect(f.action.contains("temporary plateau"))
    }

    @Test func plateauShortOfTheOptimum() throws {
        let log = Self.log(400, norm: { (exp(-Double($0) / 100) + 0.05) * Self.wobble($0) }, loss: { max(0.5, 1 - Double($0) / 200) })
        let d = Self.analyze(log, reference: Self.reference(optimum: 0.1, gap: 0.4))
        let f = try #require(d.findings.first { $0.kind == "plateau" })
        #expect(f.message.contains("epochs 10–40"))
        #expect(f.message.contains("ended 0.4 above the optimum f* = 0.1"))
        #expect(f.action.contains("decay the learning rate"))
        #expect(d.verdict.hasPrefix("the loss plateaued"))
        // Without a reference the same flat end cannot be told from convergence.
        #expect(!Self.analyze(log).findings.contains { $0.kind == "plateau" })
    }

    @Test func occasionalClipping() throws {
        var log = Self.clean()
        for i in 0..<30 {
            log.steps[i].clippedGradNorm = 0.5
            log.steps[i].clipCoefficient = 0.5 / log.steps[i].gradNorm
        }
        let d = Self.analyze(log, outcome: Self.outcome(steps: 500, clipped: 30), clipNorm: 0.5)
        let f = try #require(d.findings.first { $0.kind == "clipping" })
        #expect(f.severity == .info)
        #expect(f.steps == Array(1...20))
        #expect(f.message.contains("clipping (clip_norm 0.5) fired on 30 of 500 steps (6.0%)"))
        #expect(d.verdict.hasPrefix("converging normally"))
    }

    @Test func clippingOnMostStepsIsAWarning() throws {
        var log = Self.clean()
        for i in log.steps.indices {
            log.steps[i].clippedGradNorm = 0.01
            log.steps[i].clipCoefficient = 0.01 / log.steps[i].gradNorm
        }
        let d = Self.analyze(log, outcome: Self.outcome(steps: 500, clipped: 500), clipNorm: 0.01)
        let f = try #require(d.findings.first { $0.kind == "clipping" })
        #expect(f.severity == .warning)
        #expect(f.message.contains("500 of 500 steps (100.0%)"))
        #expect(d.verdict.hasPrefix("clipping fired on most steps"))
    }

    @Test func emptyAndNonFiniteLogsDoNotCrash() {
        let empty = Diagnosis.analyze(steps: [], epochs: [], outcome: Self.outcome(steps: 0), reference: nil, clipNorm: nil)
        #expect(empty.findings.isEmpty)
        #expect(empty.verdict == "no finite gradient norms were logged; nothing to read")
        let weird = (1...30).map { Self.step($0, epoch: 1, norm: $0 % 3 == 0 ? .nan : ($0 % 3 == 1 ? .infinity : 0), loss: .nan) }
        let d = Diagnosis.analyze(steps: weird, epochs: [], outcome: Self.outcome(steps: 30), reference: nil, clipNorm: nil)
        #expect(d.findings.map(\.kind) == ["vanishing"])  // the finite norms are all exactly 0
    }

    @Test func jsonShape() throws {
        var log = Self.clean()
        log.steps[199].gradNorm *= 50
        let json = Self.analyze(log).json()
        let findings = try #require(json["findings"])
        guard case .array(let items) = findings else { Issue.record("findings is not an array"); return }
        let spikes = try #require(items.first { $0["kind"] == .string("spikes") })
        #expect(spikes["severity"] == .string("info"))
        #expect(spikes["steps"] == .array([.number(200)]))
        #expect(json["verdict"] == .string("converging normally"))
    }
}
