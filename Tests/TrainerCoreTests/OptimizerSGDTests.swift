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

private let theta0: [Double] = [0.5, -1.25, 0.1]
private let gradients: [[Double]] = [[0.3, -0.2, 0.05], [-0.1, 0.4, 0.001], [0.25, 0.001, -0.3]]

/// Expects every entry within `relative` of the reference (exact match required at zero).
private func expectClose(
    _ actual: [Double], _ expected: [Double], relative: Double = 1e-15,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        #expect(abs(a - e) <= relative * abs(e), "\(a) vs \(e)", sourceLocation: sourceLocation)
    }
}

/// Runs the three reference steps and returns θ after each.
private func trajectory(_ optimizer: inout some Optimizer, lr: Double) -> [[Double]] {
    var theta = theta0
    return gradients.map { g in
        optimizer.step(parameters: &theta, gradient: g, lr: lr)
        return theta
    }
}

@Suite struct OptimizerSGDTests {
    @Test func plainSGD() {
        var sgd = SGD(parameterCount: 3, weightCount: 2)
        let steps = trajectory(&sgd, lr: 0.1)
        expectClose(steps[0], [0.47, -1.23, 0.095])
        expectClose(steps[1], [0.48, -1.27, 0.0949])
        expectClose(steps[2], [0.45499999999999996, -1.2701, 0.1249])
        #expect(sgd.stepCount == 3)
    }

    @Test func momentum() {
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9)
        let steps = trajectory(&sgd, lr: 0.1)
        expectClose(steps[0], [0.47, -1.23, 0.095])
        expectClose(steps[1], [0.45299999999999996, -1.252, 0.0904])
        expectClose(steps[2], [0.41269999999999996, -1.2719, 0.11626])
    }

    @Test func momentumWithDampening() {
        // The first step must not be dampened: it matches plain SGD.
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9, dampening: 0.5)
        let steps = trajectory(&sgd, lr: 0.1)
        expectClose(steps[0], [0.47, -1.23, 0.095])
        expectClose(steps[1], [0.44799999999999995, -1.232, 0.09045])
        expectClose(steps[2], [0.41569999999999996, -1.23385, 0.101355])
    }

    @Test func nesterov() {
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9, nesterov: true)
        let steps = trajectory(&sgd, lr: 0.1)
        expectClose(steps[0], [0.443, -1.212, 0.0905])
        expectClose(steps[1], [0.4377, -1.2718, 0.08626])
        expectClose(steps[2], [0.37643, -1.2898100000000001, 0.139534])
    }

    @Test func plainSGDKeepsNoBuffers() {
        var sgd = SGD(parameterCount: 3, weightCount: 2)
        var theta = theta0
        sgd.step(parameters: &theta, gradient: gradients[0], lr: 0.1)
        #expect(sgd.state() == OptimizerState(stepCount: 1, buffers: [:]))
    }

    @Test func momentumBufferIsExposedUnderPyTorchName() {
        var sgd = SGD(parameterCount: 3, weightCount: 2, momentum: 0.9)
        var theta = theta0
        sgd.step(parameters: &theta, gradient: gradients[0], lr: 0.1)
        #expect(sgd.state().buffers == ["momentum_buffer": gradients[0]])
    }
}
