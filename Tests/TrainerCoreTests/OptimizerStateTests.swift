import Testing
@testable import TrainerCore

/// Checkpoint round trips: an optimizer restored from `state()` must continue bit-for-bit like
/// the one that was never interrupted.
@Suite struct OptimizerStateTests {
    private static let gradients: [[Double]] = [
        [0.3, -0.2, 0.05], [-0.1, 0.4, 0.001], [0.25, 0.001, -0.3],
        [0.7, -0.6, 0.2], [-0.05, 0.02, 0.9],
    ]

    /// Takes two steps, checkpoints, then compares three more steps of the original optimizer
    /// against a freshly constructed one restored from the checkpoint.
    private func expectExactResume<O: Optimizer>(
        _ make: () -> O, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var original = make()
        var theta: [Double] = [0.5, -1.25, 0.1]
        for g in Self.gradients[0..<2] { original.step(parameters: &theta, gradient: g, lr: 0.05) }
        let checkpoint = original.state()
        var resumedTheta = theta

        var resumed = make()
        try resumed.restore(checkpoint)
        #expect(resumed.stepCount == 2, sourceLocation: sourceLocation)
        #expect(resumed.state() == checkpoint, sourceLocation: sourceLocation)

        for g in Self.gradients[2...] {
            original.step(parameters: &theta, gradient: g, lr: 0.05)
            resumed.step(parameters: &resumedTheta, gradient: g, lr: 0.05)
        }
        #expect(resumedTheta == theta, sourceLocation: sourceLocation)
        #expect(resumed.state() == original.state(), sourceLocation: sourceLocation)
        // The snapshot is a value: later steps must not have changed it.
        #expect(checkpoint.stepCount == 2, sourceLocation: sourceLocation)
    }

    @Test func sgdResumesExactly() throws {
        try expectExactResume { SGD(parameterCount: 3, weightCount: 2) }
        try expectExactResume { SGD(parameterCount: 3, weightCount: 2, momentum: 0.9, dampening: 0.1) }
        try expectExactResume { SGD(parameterCount: 3, weightCount: 2, momentum: 0.9, nesterov: true) }
    }

    @Test func adamResumesExactly() throws {
        try expectExactResume { Adam(parameterCount: 3, weightCount: 2) }
        try expectExactResume { Adam(parameterCount: 3, weightCount: 2, amsgrad: true) }
        try expectExactResume { Adam(parameterCount: 3, weightCount: 2, decoupledWeightDecay: 0.01) }
    }

    @Test func restoreRejectsWrongLength() {
        var adam = Adam(parameterCount: 3, weightCount: 2)
        let bad = OptimizerState(stepCount: 1, buffers: ["exp_avg": [0, 0], "exp_avg_sq": [0, 0, 0]])
        #expect(throws: OptimizerError.bufferLengthMismatch(name: "exp_avg", expected: 3, found: 2)) {
            try adam.restore(bad)
        }
        #expect(adam.stepCount == 0)
    }

    @Test func restoreRejectsWrongBufferNames() {
        // An AMSGrad checkpoint cannot be loaded into plain Adam, nor momentum into plain SGD.
        var adam = Adam(parameterCount: 2, weightCount: 1)
        let amsState = Adam(parameterCount: 2, weightCount: 1, amsgrad: true).state()
        #expect(throws: OptimizerError.self) { try adam.restore(amsState) }

        var sgd = SGD(parameterCount: 2, weightCount: 1)
        let momentumState = SGD(parameterCount: 2, weightCount: 1, momentum: 0.5).state()
        #expect(throws: OptimizerError.bufferNamesMismatch(expected: [], found: ["momentum_buffer"])) {
            try sgd.restore(momentumState)
        }
    }

    @Test func restoreRejectsNegativeStepCount() {
        var sgd = SGD(parameterCount: 2, weightCount: 1)
        #expect(throws: OptimizerError.invalidStepCount(-1)) {
            try sgd.restore(OptimizerState(stepCount: -1, buffers: [:]))
        }
    }
}
