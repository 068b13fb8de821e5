import Foundation

/// The learning rate for each optimizer step, as a pure function of the step index.
///
/// Steps are counted from t = 0 (the first optimizer step). With base rate η, warm-up length W
/// and run length T (`totalSteps`, all optimizer steps of the run including warm-up):
///
/// ```
/// warm-up (t < W):   η(t) = η · (t + 1)/W          → η/W, 2η/W, …, η at t = W − 1
/// afterwards, with s = t − W (so s = 0 is the first post-warm-up step, again at η):
///   constant:             η(t) = η
///   step(k, γ):           η(t) = η · γ^⌊s/k⌋
///   exponential(γ):       η(t) = η · γ^s
///   cosine(η_min):        η(t) = η_min + (η − η_min)·(1 + cos(π·s/S))/2,  S = T − W
///                         η(t) = η_min once s ≥ S (including when S ≤ 0)
/// ```
///
/// Warm-up uses (t + 1)/W rather than t/W so that no step is wasted at a learning rate of zero,
/// and the ramp reaches η exactly (the ratio W/W is exactly 1) on its last step.
///
/// The decay formulas are PyTorch's closed forms (`StepLR`, `ExponentialLR`,
/// `CosineAnnealingLR._get_closed_form_lr`, with `T_max` = S) evaluated in the same operation
/// order. PyTorch's schedulers normally update the rate recursively (multiplying the previous
/// rate each step), which rounds differently; the closed form is used here so that the rate at
/// step t does not depend on the path to it and a run resumed from a checkpoint at step t gets
/// exactly the rates an uninterrupted run would.
public struct LearningRateSchedule: Sendable, Equatable {
    /// How the learning rate decays after warm-up.
    public enum Kind: Sendable, Equatable {
        /// η(t) = η.
        case constant
        /// η(t) = η·γ^⌊s/stepSize⌋: multiply by `gamma` every `stepSize` steps.
        case step(stepSize: Int, gamma: Double)
        /// η(t) = η·γ^s: multiply by `gamma` every step.
        case exponential(gamma: Double)
        /// Half a cosine from η down to `minLr` over the post-warm-up steps, then `minLr`.
        case cosine(minLr: Double)
    }

    /// The decay rule applied after warm-up.
    public let kind: Kind
    /// η: the learning rate reached at the end of warm-up (and used throughout if constant).
    public let baseLr: Double
    /// W: number of linear warm-up steps at the start of the run; 0 disables warm-up.
    public let warmupSteps: Int
    /// T: number of optimizer steps in the whole run, warm-up included. Only cosine uses it.
    public let totalSteps: Int

    /// Creates a schedule. Preconditions: W ≥ 0, T ≥ 0, and a step schedule's `stepSize` ≥ 1.
    public init(kind: Kind = .constant, baseLr: Double, warmupSteps: Int = 0, totalSteps: Int) {
        precondition(warmupSteps >= 0, "LearningRateSchedule: negative warmupSteps")
        precondition(totalSteps >= 0, "LearningRateSchedule: negative totalSteps")
        if case .step(let stepSize, _) = kind {
            precondition(stepSize >= 1, "LearningRateSchedule: stepSize must be at least 1")
        }
        self.kind = kind
        self.baseLr = baseLr
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate for optimizer step `t` (t = 0 is the first step). Precondition: t ≥ 0.
    public func lr(atStep t: Int) -> Double {
        precondition(t >= 0, "LearningRateSchedule: negative step \(t)")
        if t < warmupSteps {
            // Ratio first, so that t = W − 1 gives exactly baseLr.
            return baseLr * (Double(t + 1) / Double(warmupSteps))
        }
        let s = t - warmupSteps
        switch kind {
        case .constant:
            return baseLr
        case .step(let stepSize, let gamma):
            // PyTorch: base_lr * gamma ** (last_epoch // step_size)
            return baseLr * pow(gamma, Double(s / stepSize))
        case .exponential(let gamma):
            // PyTorch: base_lr * gamma ** last_epoch
            return baseLr * pow(gamma, Double(s))
        case .cosine(let minLr):
            let span = totalSteps - warmupSteps
            // Past the planned run (or no room for a decay at all) the rate rests at the floor
            // instead of climbing back up the cosine.
            guard s < span else { return minLr }
            // PyTorch: eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * last_epoch / T_max)) / 2
            return minLr + (baseLr - minLr) * (1 + cos(Double.pi * Double(s) / Double(span))) / 2
        }
    }
}
