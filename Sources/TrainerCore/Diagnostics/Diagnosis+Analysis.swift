import Foundation

/// The standard reading of gradient-norm and loss logs. Every rule uses the thresholds declared
/// in Diagnosis.swift; the unit tests build one log per finding kind.
extension Diagnosis {
    /// Reads the logs of a finished run.
    ///
    /// - Parameters:
    ///   - steps: the logged steps (`metrics.csv`), in step order.
    ///   - epochs: the epoch rows (`epochs.csv`).
    ///   - outcome: how training ended; a divergence becomes a `diverged` finding.
    ///   - reference: the reference optimum, when computed; adds the objective gap to findings.
    ///   - clipNorm: `training.clip_norm`, quoted in the clipping finding.
    public static func analyze(steps: [StepRecord], epochs: [EpochRecord], outcome: TrainingOutcome, reference: ReferenceComparison?, clipNorm: Double?) -> Diagnosis {
        let log = Log(steps: steps, epochs: epochs, outcome: outcome, reference: reference)
        var findings: [Finding] = []
        if let divergence = outcome.divergence { findings.append(diverged(divergence, reference: reference)) }
        let vanishing = log.vanishing()
        if let vanishing { findings.append(vanishing) }
        // A vanishing gradient is "persistently" the same size too; that is not divergence.
        if outcome.divergence == nil, vanishing == nil, let diverging = log.diverging() { findings.append(diverging) }
        if let spikes = log.spikes() { findings.append(spikes) }
        if let plateau = log.plateau() { findings.append(plateau) }
        if let clipping = log.clipping(clipNorm: clipNorm) { findings.append(clipping) }
        let troubled = findings.contains { ["diverged", "diverging", "vanishing"].contains($0.kind) }
        if !troubled {
            if let converged = log.converged() { findings.append(converged) }
            if let converging = log.converging() { findings.append(converging) }
        }
        return Diagnosis(verdict: verdict(findings, log: log), findings: findings)
    }

    static func diverged(_ d: DivergenceReport, reference: ReferenceComparison?) -> Finding {
        var message = "training diverged at step \(d.step) (epoch \(d.epoch)), lr \(fmt(d.lr)): \(d.reason)"
        if let stable = reference?.spectrum?.maxStableLearningRate, stable.isFinite {
            message += "; full-batch gradient descent on this objective is stable only below lr = \(fmt(stable)) (2/λ_max)"
        }
        return Finding(
            kind: "diverged", severity: .warning, steps: [d.step],
            message: message,
            action: d.hint)
    }

    /// One line: the most serious finding first, then the names of the other warnings.
    static func verdict(_ findings: [Finding], log: Log) -> String {
        if log.finite.isEmpty && findings.isEmpty { return "no finite gradient norms were logged; nothing to read" }
        let order = ["diverged", "diverging", "vanishing", "plateau", "spikes", "clipping", "converged", "converging"]
        let headlines: [String: String] = [
            "diverged": "diverged — lower optimizer.lr",
            "diverging": "gradient norm grew instead of shrinking — likely diverging; lower optimizer.lr",
            "vanishing": "gradients were near zero from the start — training barely moved",
            "spikes": "gradient spikes",
            "plateau": "the loss plateaued before reaching the optimum",
            "clipping": "clipping fired on most steps",
            "converged": "converged: the gradient norm fell to near zero",
            "converging": "converging normally",
        ]
        // Info findings (rare spikes, occasional clipping) stay in the list but do not lead the verdict.
        let ranked = findings.filter { $0.severity == .warning || $0.kind == "converged" || $0.kind == "converging" }
            .sorted { (order.firstIndex(of: $0.kind) ?? order.count) < (order.firstIndex(of: $1.kind) ?? order.count) }
        guard let main = ranked.first else { return "no clear trend in the gradient norm" }
        var line = headlines[main.kind] ?? main.kind
        if main.kind == "converged" || main.kind == "converging", let gap = log.finalGap { line += " (gap f − f* = \(fmt(gap)))" }
        let others = ranked.dropFirst().filter { $0.severity == .warning }.map(\.kind)
        if !others.isEmpty { line += "; also: " + others.joined(separator: ", ") }
        return line
    }

    /// "at steps 3, 9, 12 (3 in total)", listing at most `maxListedSteps`.
    static func stepList(_ steps: [Int]) -> String {
        let shown = steps.prefix(maxListedSteps).map(String.init).joined(separator: ", ")
        let noun = steps.count == 1 ? "step" : "steps"
        if steps.count > maxListedSteps { return "\(noun) \(shown), … (\(steps.count) in total, first \(maxListedSteps) listed)" }
        return "\(noun) \(shown) (\(steps.count) in total)"
    }

    /// The spike baseline of every value: the median of the `spikeWindow` values before it
    /// (the value itself excluded), NaN while fewer than `spikeMinHistory` precede it. Shared
    /// with `grad_norm.svg`, which draws it.
    public static func runningMedians(_ values: [Double]) -> [Double] {
        values.indices.map { i in
            i < spikeMinHistory ? .nan : median(values[max(0, i - spikeWindow)..<i])
        }
    }

    static func median(_ values: some Collection<Double>) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// A run's logs with the windows every rule shares.
    struct Log {
        let outcome: TrainingOutcome
        let epochs: [EpochRecord]
        let reference: ReferenceComparison?
        /// Logged steps with a finite gradient norm that were not skipped.
        let finite: [StepRecord]
        let logged: [StepRecord]
        /// The first and last `windowFraction` of `finite`.
        let early: ArraySlice<StepRecord>
        let late: ArraySlice<StepRecord>

        init(steps: [StepRecord], epochs: [EpochRecord], outcome: TrainingOutcome, reference: ReferenceComparison?) {
            self.outcome = outcome
            self.epochs = epochs
            self.reference = reference
            logged = steps
            finite = steps.filter { $0.gradNorm.isFinite && !$0.skipped }
            let window = max(1, Int((Double(finite.count) * Diagnosis.windowFraction).rounded(.up)))
            early = finite.prefix(window)
            late = finite.suffix(window)
        }

        var earlyMedian: Double { Diagnosis.median(early.map(\.gradNorm)) }
        var lateMedian: Double { Diagnosis.median(late.map(\.gradNorm)) }
        var firstNorm: Double { finite.first?.gradNorm ?? .nan }

        /// f*, when a reference optimum was computed.
        var optimum: Double? { reference?.solution?.objective }
        /// f(θ) − f* for the final parameters.
        var finalGap: Double? { reference?.solution == nil ? nil : reference?.objectiveGap }

        /// Whether the loss went down: full-pass epoch losses when there are two, else the
        /// medians of the step losses in the early and late windows.
        var lossDecreased: Bool {
            let epochLosses = epochs.map(\.trainLoss).filter(\.isFinite)
            if epochLosses.count >= 2, let first = epochLosses.first, let last = epochLosses.last { return last < first }
            let a = Diagnosis.median(early.map(\.loss).filter(\.isFinite)), b = Diagnosis.median(late.map(\.loss).filter(\.isFinite))
            return a.isFinite && b.isFinite && b < a
        }

        func vanishing() -> Finding? {
            guard !early.isEmpty, earlyMedian <= Diagnosis.nearZeroGradNorm else { return nil }
            let zeroSteps = early.filter { $0.gradNorm <= Diagnosis.nearZeroGradNorm }.map(\.step)
            return Finding(
                kind: "vanishing", severity: .warning, steps: Array(zeroSteps.prefix(Diagnosis.maxListedSteps)),
                message: "‖g‖ was near zero (≤ \(fmt(Diagnosis.nearZeroGradNorm)), median \(fmt(earlyMedian))) in the first \(early.count) logged steps, at \(Diagnosis.stepList(zeroSteps)): the parameters barely move",
                action: "check that the features vary (constant or all-zero columns), that data.standardize is on, and that the initial loss is not already saturated; raise optimizer.lr if the gradient is merely small")
        }

        func diverging() -> Finding? {
            guard finite.count >= 2, early.first?.step != late.last?.step else { return nil }
            let a = earlyMedian, b = lateMedian
            guard a.isFinite, b.isFinite, a > 0 else { return nil }
            let growing = b > Diagnosis.growthFactor * a
            let stuck = b >= Diagnosis.persistentFraction * a && !lossDecreased
            guard growing || stuck else { return nil }
            let large = late.filter { $0.gradNorm > a }.map(\.step)
            let what = growing
                ? "‖g‖ grew from a median of \(fmt(a)) in the first \(early.count) logged steps to \(fmt(b)) in the last \(late.count)"
                : "‖g‖ stayed large (median \(fmt(a)) early, \(fmt(b)) late) and the training loss did not go down"
            return Finding(
                kind: "diverging", severity: .warning, steps: Array(large.prefix(Diagnosis.maxListedSteps)),
                message: what + (large.isEmpty ? "" : "; late steps above the early median: \(Diagnosis.stepList(large))"),
                action: "reduce optimizer.lr (e.g. by 10×)\(reference?.spectrum.map { "; for this model gradient descent is stable below lr = \(fmt($0.maxStableLearningRate))" } ?? ""), or set training.clip_norm")
        }

        func spikes() -> Finding? {
            var spikes: [Int] = []  // indices into `finite`
            var worst: (step: Int, ratio: Double)?
            let baselines = Diagnosis.runningMedians(finite.map(\.gradNorm))
            for i in finite.indices {
                let base = baselines[i]
                guard base > 0 else { continue }
                let ratio = finite[i].gradNorm / base
                if ratio > Diagnosis.spikeFactor {
                    spikes.append(i)
                    if ratio > (worst?.ratio ?? 0) { worst = (finite[i].step, ratio) }
                }
            }
            guard let worst else { return nil }
            let spikeSteps = spikes.map { finite[$0].step }
            // A few spikes in a long mini-batch run are unusual batches, worth a note, not an alarm.
            let rare = Double(spikes.count) <= Diagnosis.rareSpikeFraction * Double(finite.count)
            // Spikes on consecutive logged steps are a sustained climb (an unstable direction
            // growing), not isolated bad batches; say so.
            let isSpike = Set(spikes)
            let inRuns = spikes.filter { isSpike.contains($0 - 1) || isSpike.contains($0 + 1) }.count
            var message = "‖g‖ exceeded \(fmt(Diagnosis.spikeFactor))× its running median (over the previous \(Diagnosis.spikeWindow) logged steps) at \(Diagnosis.stepList(spikeSteps)); largest \(String(format: "%.1f", worst.ratio))× at step \(worst.step)"
            if inRuns > 0 { message += "; \(inRuns) of them on consecutive logged steps: a sustained climb rather than isolated spikes" }
            return Finding(
                kind: "spikes", severity: rare ? .info : .warning, steps: Array(spikeSteps.prefix(Diagnosis.maxListedSteps)),
                message: message,
                action: rare
                    ? "isolated spikes usually mean unusual batches (outliers, unscaled features); check the data, or set training.clip_norm"
                    : "recurring spikes suggest the learning rate is too high for some batches: lower optimizer.lr, use larger batches, or set training.clip_norm")
        }

        func plateau() -> Finding? {
            let losses = epochs.map(\.trainLoss)
            let w = Diagnosis.plateauEpochs
            guard losses.count > w else { return nil }
            // Epochs covered by some w-epoch window over which the loss moved (either way) by less
            // than the threshold: a rising loss is divergence, not a plateau.
            var flat = [Bool](repeating: false, count: losses.count)
            for i in 0..<(losses.count - w) {
                let a = losses[i], b = losses[i + w]
                guard a.isFinite, b.isFinite else { continue }
                if abs(a - b) < Diagnosis.plateauImprovement * max(abs(a), .leastNormalMagnitude) {
                    for j in i...(i + w) { flat[j] = true }
                }
            }
            // Maximal runs of flat epochs; report the first that is a genuine plateau.
            var i = 0
            while i < losses.count {
                guard flat[i] else { i += 1; continue }
                var j = i
                while j + 1 < losses.count && flat[j + 1] { j += 1 }
                let level = losses[j]
                let later = losses[(j + 1)...].filter(\.isFinite).min()
                let escaped = later.map { level - $0 > Diagnosis.plateauEscape * abs(level) } ?? false
                var stalled = false
                if j == losses.count - 1, let fStar = optimum, let firstLoss = losses.first, firstLoss.isFinite {
                    let gap = level - fStar, initialGap = firstLoss - fStar
                    stalled = gap > Diagnosis.plateauGapScale * (1 + abs(fStar)) && gap > Diagnosis.plateauGapFraction * initialGap
                }
                if escaped || stalled {
                    let stretch = epochs[i...j].map(\.step)
                    var message = "the training loss improved by less than \(fmt(Diagnosis.plateauImprovement * 100))% per \(w) epochs over epochs \(epochs[i].epoch)–\(epochs[j].epoch) (loss ≈ \(fmt(level)); epoch-end \(Diagnosis.stepList(stretch)))"
                    let action: String
                    if escaped, let later {
                        message += ", then fell again to \(fmt(later))"
                        action = "a temporary plateau (a flat region or a too-small step): momentum or a larger optimizer.lr would cross it faster"
                    } else {
                        message += "; it ended \(fmt(level - (optimum ?? 0))) above the optimum f* = \(fmt(optimum ?? .nan))"
                        if let stable = reference?.spectrum?.maxStableLearningRate, let lr = logged.last?.lr, lr >= stable {
                            // Above 2/λ_max plain gradient descent oscillates; something (clipping,
                            // noise) kept it bounded but it cannot settle.
                            action = "optimizer.lr = \(fmt(lr)) is at or above the stable limit 2/λ_max = \(fmt(stable)): lower it"
                        } else {
                            action = "progress stalled short of the optimum: with mini-batches, decay the learning rate (schedule.type) or use larger batches to lower the noise floor; with full batches, raise optimizer.lr\(reference?.spectrum.map { " (stable below \(fmt($0.maxStableLearningRate)))" } ?? "") or add momentum"
                        }
                    }
                    return Finding(kind: "plateau", severity: .warning, steps: Array(stretch.prefix(Diagnosis.maxListedSteps)), message: message, action: action)
                }
                i = j + 1
            }
            return nil
        }

        func clipping(clipNorm: Double?) -> Finding? {
            let clipped = logged.filter { $0.clipCoefficient < 1 || $0.clippedGradNorm < $0.gradNorm }.map(\.step)
            let total = max(outcome.clippedSteps, clipped.count)
            guard total > 0 else { return nil }
            let steps = max(outcome.steps, logged.count, 1)
            let share = Double(total) / Double(steps)
            let frequent = share >= Diagnosis.frequentClippingFraction
            let limit = clipNorm.map { " (clip_norm \(fmt($0)))" } ?? ""
            return Finding(
                kind: "clipping", severity: frequent ? .warning : .info, steps: Array(clipped.prefix(Diagnosis.maxListedSteps)),
                message: "clipping\(limit) fired on \(total) of \(steps) steps (\(String(format: "%.1f", share * 100))%)" + (clipped.isEmpty ? "" : "; logged: \(Diagnosis.stepList(clipped))"),
                action: frequent
                    ? "clipping on most steps acts as a smaller learning rate: lower optimizer.lr, or raise training.clip_norm if the gradients are simply large"
                    : "occasional clipping guards against rare large gradients; nothing to do")
        }

        func converged() -> Finding? {
            guard finite.count >= Diagnosis.minTrendSteps else { return nil }
            let b = lateMedian
            let threshold = max(Diagnosis.nearZeroGradNorm, Diagnosis.convergedGradNormRatio * firstNorm)
            guard b.isFinite, b <= threshold else { return nil }
            let reached = finite.first { $0.gradNorm <= threshold }?.step
            var message = "‖g‖ fell to a median of \(fmt(b)) over the last \(late.count) logged steps, from \(fmt(firstNorm)) at step \(finite[0].step)"
            if let reached { message += "; it first dropped below \(fmt(threshold)) at step \(reached)" }
            var action = "nothing to do; fewer steps would have sufficed"
            if let gap = finalGap, let fStar = optimum {
                message += "; objective gap f − f* = \(fmt(gap))"
                if gap > Diagnosis.plateauGapScale * (1 + abs(fStar)) {
                    message += ", large for a near-zero gradient: a flat region or critical point rather than the optimum"
                    action = "the objective is very flat here (ill-conditioned): raise optimizer.lr, add momentum, or standardize the features"
                } else {
                    message += ": at the optimum"
                }
            } else {
                message += ": converged (or at a critical point; no reference optimum to tell)"
            }
            return Finding(kind: "converged", severity: .info, steps: reached.map { [$0] } ?? [], message: message, action: action)
        }

        func converging() -> Finding? {
            let n = finite.count
            guard n >= max(Diagnosis.minTrendSteps, Diagnosis.trendSegments), lossDecreased else { return nil }
            let k = Diagnosis.trendSegments
            let medians = (0..<k).map { s in Diagnosis.median(finite[(s * n / k)..<((s + 1) * n / k)].map(\.gradNorm)) }
            for s in 1..<k where medians[s] > Diagnosis.steadyTolerance * medians[s - 1] { return nil }
            guard let last = medians.last, last <= Diagnosis.convergingDropRatio * firstNorm else { return nil }
            let boundaries = (0..<k).map { finite[$0 * n / k].step } + [finite[n - 1].step]
            var message = "‖g‖ decreased steadily: \(fmt(firstNorm)) at step \(finite[0].step), segment medians " +
                medians.map(fmt).joined(separator: " → ") + " (segments start at steps \(boundaries.dropLast().map(String.init).joined(separator: ", ")))"
            if let gap = finalGap { message += "; final objective gap f − f* = \(fmt(gap))" }
            return Finding(kind: "converging", severity: .info, steps: boundaries, message: message, action: "none needed: normal convergence")
        }
    }
}
