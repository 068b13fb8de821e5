import Testing
@testable import TrainerCore

// Reference values: plain Python floats implementing torch.optim.SGD's single-tensor CPU
// formulas op by op (PyTorch itself is not installed here):
//
//     theta0 = [0.5, -1.25, 0.1]          # weights: entries 0,1; bias: entry 2
//     grads = [[0.3, -0.2, 0.05], [-0.1, 0.4, 0.001], [0.25, 0.001, -0.3]]
//     buf = None
//     for g in grads:
//         if mu != 0:
//             if buf is None: buf = list(g)                                       # clone(grad)
//             else: buf = [b * mu + (1 - tau) * gi for b, gi in zip(buf, g)]     # mul_(mu).add_(g, alpha=1-tau)
//             d = [gi + mu * b for gi, b in zip(g, buf)] if nesterov else buf    # g.add(buf, alpha=mu)
//         else: d = g
//         th = [t + (-lr) * di for t, di in zip(th, d)]                           # add_(d, alpha=-lr)
//
// Hand check, momentum 0.9, entry 0: step 1 b = 0.3, θ = 0.5 − 0.1·0.3 = 0.47;
// step 2 b = 0.9·0.3 − 0.1 = 0.17, θ = 0.47 − 0.017 = 0.453;
// step 3 b = 0.9·0.17 + 0.25 = 0.403, θ = 0.453 − 0.0403 = 0.4127.

@Suite struct OptimizerSGDTests {
    @Test func plainSGD() {
        var sgd = SGD(parameterCount: 3, weightCount: 2)
        let steps = referenceTrajectory(&sgd, lr: 0.1)
        expectEntriesClose(steps[0], [0.47, -1.23, 0.095])
        expectEntriesClose(steps[1], [0.48, -1.27, 0.0949])
        expectEntriesClose(steps[2], [0.45499999999999996, -1.2701, 0.1249])
        #expect(sgd.stepCount == 3)
    }

    @Test func momentum() {
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9)
        let steps = referenceTrajectory(&sgd, lr: 0.1)
        expectEntriesClose(steps[0], [0.47, -1.23, 0.095])
        expectEntriesClose(steps[1], [0.45299999999999996, -1.252, 0.0904])
        expectEntriesClose(steps[2], [0.41269999999999996, -1.2719, 0.11626])
    }

    @Test func momentumWithDampening() {
        // The first step must not be dampened: it matches plain SGD.
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9, dampening: 0.5)
        let steps = referenceTrajectory(&sgd, lr: 0.1)
        expectEntriesClose(steps[0], [0.47, -1.23, 0.095])
        expectEntriesClose(steps[1], [0.44799999999999995, -1.232, 0.09045])
        expectEntriesClose(steps[2], [0.41569999999999996, -1.23385, 0.101355])
    }

    @Test func nesterov() {
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9, nesterov: true)
        let steps = referenceTrajectory(&sgd, lr: 0.1)
        expectEntriesClose(steps[0], [0.443, -1.212, 0.0905])
        expectEntriesClose(steps[1], [0.4377, -1.2718, 0.08626])
        expectEntriesClose(steps[2], [0.37643, -1.2898100000000001, 0.139534])
    }

    @Test func plainSGDKeepsNoBuffers() {
        var sgd = SGD(parameterCount: 3, weightCount: 2)
        var theta = referenceTheta0
        sgd.step(parameters: &theta, gradient: referenceGradients[0], lr: 0.1)
        #expect(sgd.state() == OptimizerState(stepCount: 1, buffers: [:]))
    }

    @Test func momentumBufferIsExposedUnderPyTorchName() {
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9)
        var theta = referenceTheta0
        sgd.step(parameters: &theta, gradient: referenceGradients[0], lr: 0.1)
        #expect(sgd.state().buffers == ["momentum_buffer": referenceGradients[0]])
    }
}
