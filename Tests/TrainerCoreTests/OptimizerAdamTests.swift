import Foundation
import Testing
@testable import TrainerCore

// Reference values: plain Python floats implementing torch.optim.Adam/AdamW's non-capturable
// single-tensor CPU formulas op by op (PyTorch itself is not installed here):
//
//     theta0 = [0.5, -1.25, 0.1]          # weights: entries 0,1; bias: entry 2
//     grads = [[0.3, -0.2, 0.05], [-0.1, 0.4, 0.001], [0.25, 0.001, -0.3]]
//     def lerp(a, b, w): return a + w * (b - a) if abs(w) < 0.5 else b - (b - a) * (1 - w)  # ATen
//     for step, g in enumerate(grads, start=1):
//         step = float(step)
//         if wd != 0: th = [t * (1 - lr * wd) if i < 2 else t ...]    # mul_(1 - lr*wd), weights only
//         m = [lerp(mi, gi, 1 - b1) ...]                               # exp_avg.lerp_(g, 1-b1)
//         v = [vi * b2 + (1 - b2) * gi * gi ...]                       # mul_(b2).addcmul_(g, g, value=1-b2)
//         bc1 = 1 - b1 ** step; bc2 = 1 - b2 ** step
//         step_size = lr / bc1; bc2s = bc2 ** 0.5
//         if ams: vmax = [max(a, b) ...]; vv = vmax  else: vv = v
//         denom = [(x ** 0.5) / bc2s + eps for x in vv]                 # (sqrt(v)/bc2_sqrt).add_(eps)
//         th = [t + (-step_size) * mi / d ...]                         # addcdiv_(m, denom, value=-step_size)
//
// Hand check, step 1: m̂ = g and v̂ = g², so θ ← θ − η·g/(|g| + ε); entry 0:
// 0.5 − 0.01·0.3/(0.3 + 1e-8) = 0.49 + 0.01·1e-8/0.3 ≈ 0.4900000003333333.
// AMSGrad differs from step 2 on: g₂[2] = 0.001 and g₃[1] = 0.001 are small enough that v falls
// (g² < v), so vᵐᵃˣ keeps the old, larger value.

@Suite struct OptimizerAdamTests {
    /// The two-lane loop of the common case (no AMSGrad, β₁ > 0.5) must give the bits of the
    /// scalar formulas, for odd and even lengths and over many steps.
    @Test func twoLaneLoopMatchesTheScalarFormulasBitForBit() {
        for n in [1, 2, 7, 1010] {
            var rng = SeededGenerator(seed: UInt64(n))
            var adam = Adam(parameterCount: n, weightCount: n - 1 > 0 ? n - 1 : 0)
            var theta = (0..<n).map { _ in rng.nextGaussian() }
            var expected = theta
            var m = [Double](repeating: 0, count: n), v = m
            for step in 1...25 {
                let g = (0..<n).map { _ in rng.nextGaussian() * 1e-3 }
                let lr = 0.01 / Double(step)
                adam.step(parameters: &theta, gradient: g, lr: lr)
                let bc1 = 1 - pow(0.9, Double(step)), bc2 = 1 - pow(0.999, Double(step))
                let stepSize = lr / bc1, bc2Sqrt = pow(bc2, 0.5)
                for i in 0..<n {
                    m[i] = m[i] + (1 - 0.9) * (g[i] - m[i])
                    v[i] = v[i] * 0.999 + (1 - 0.999) * g[i] * g[i]
                    let denom = v[i].squareRoot() / bc2Sqrt + 1e-8
                    expected[i] -= stepSize * m[i] / denom
                }
                #expect(theta.map(\.bitPattern) == expected.map(\.bitPattern), "n = \(n), step \(step)")
            }
        }
    }

    @Test func adam() {
        var adam = Adam(parameterCount: 3, weightCount: 2)
        let steps = referenceTrajectory(&adam, lr: 0.01)
        expectEntriesClose(steps[0], [0.4900000003333333, -1.2400000005, 0.09000000199999961])
        expectEntriesClose(steps[1], [0.48599781479280807, -1.2436610356546038, 0.0831518904179054])
        expectEntriesClose(steps[2], [0.47960773293962256, -1.2465053121832252, 0.08858365788163922])
        #expect(adam.stepCount == 3)
    }

    @Test func amsgrad() {
        var adam = Adam(parameterCount: 3, weightCount: 2, amsgrad: true)
        let steps = referenceTrajectory(&adam, lr: 0.01)
        expectEntriesClose(steps[0], [0.4900000003333333, -1.2400000005, 0.09000000199999961])
        expectEntriesClose(steps[1], [0.48599781479280807, -1.2436610356546038, 0.08315394515905651])
        expectEntriesClose(steps[2], [0.47960773293962256, -1.2465038968049669, 0.08858571262279033])
    }

    @Test func adamW() {
        // θ_w·(1 − 0.01·0.5) = θ_w·0.995 before each Adam update; the bias (entry 2) follows
        // plain Adam exactly.
        var adamW = Adam(parameterCount: 3, weightCount: 2, decoupledWeightDecay: 0.5)
        let steps = referenceTrajectory(&adamW, lr: 0.01)
        expectEntriesClose(steps[0], [0.4875000003333333, -1.2337500005, 0.09000000199999961])
        expectEntriesClose(steps[1], [0.4810603147911414, -1.2312422856521037, 0.0831518904179054])
        expectEntriesClose(steps[2], [0.4722649313640002, -1.2279303507524646, 0.08858365788163922])
    }

    @Test func adamWWithAMSGrad() {
        var adamW = Adam(parameterCount: 3, weightCount: 2, amsgrad: true, decoupledWeightDecay: 0.5)
        let steps = referenceTrajectory(&adamW, lr: 0.01)
        expectEntriesClose(steps[0], [0.4875000003333333, -1.2337500005, 0.09000000199999961])
        expectEntriesClose(steps[1], [0.4810603147911414, -1.2312422856521037, 0.08315394515905651])
        expectEntriesClose(steps[2], [0.4722649313640002, -1.2279289353742062, 0.08858571262279033])
    }

    @Test func smallBeta1UsesTheOtherLerpBranch() {
        // 1 − β₁ = 0.7 ≥ 0.5, so ATen's lerp computes g − (g − m)·(1 − w).
        var adam = Adam(parameterCount: 3, weightCount: 2, beta1: 0.3)
        let steps = referenceTrajectory(&adam, lr: 0.01)
        expectEntriesClose(steps[0], [0.4900000003333333, -1.2400000005, 0.09000000199999961])
        expectEntriesClose(steps[1], [0.4903440796331975, -1.2482693316534057, 0.08651868775090824])
        expectEntriesClose(steps[2], [0.48270830997386766, -1.2511395203936324, 0.09860749610148256])
    }

    @Test func weightDecayNeverTouchesTheBias() {
        // A zero gradient makes the Adam part of the step exactly zero (m = 0), isolating the decay.
        var adamW = Adam(parameterCount: 4, weightCount: 3, decoupledWeightDecay: 0.1)
        var theta: [Double] = [2, -4, 8, 16]
        adamW.step(parameters: &theta, gradient: [0, 0, 0, 0], lr: 0.5)
        let decay = 1 - 0.5 * 0.1
        let expected: [Double] = [2 * decay, -4 * decay, 8 * decay, 16]
        #expect(theta == expected)
    }

    @Test func stateUsesPyTorchBufferNames() {
        var adam = Adam(parameterCount: 3, weightCount: 2, amsgrad: true)
        var theta = referenceTheta0
        adam.step(parameters: &theta, gradient: referenceGradients[0], lr: 0.01)
        let state = adam.state()
        #expect(state.stepCount == 1)
        #expect(Set(state.buffers.keys) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        #expect(Adam(parameterCount: 3, weightCount: 2).state().buffers.keys.sorted()
                == ["exp_avg", "exp_avg_sq"])
    }
}
