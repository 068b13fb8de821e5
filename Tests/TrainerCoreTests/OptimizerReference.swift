import Testing
@testable import TrainerCore

// The fixed three-step problem the optimizer tests share: θ₀ (weights: entries 0 and 1, bias:
// entry 2) and three gradients. Each optimizer's test file derives its expected values from
// these with plain Python floats implementing PyTorch's formulas (see the comments there).

let referenceTheta0: [Double] = [0.5, -1.25, 0.1]
let referenceGradients: [[Double]] = [[0.3, -0.2, 0.05], [-0.1, 0.4, 0.001], [0.25, 0.001, -0.3]]

/// Expects every entry within `relative` of the reference (exact match required at zero).
func expectEntriesClose(
    _ actual: [Double], _ expected: [Double], relative: Double = 1e-15,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        #expect(abs(a - e) <= relative * abs(e), "\(a) vs \(e)", sourceLocation: sourceLocation)
    }
}

/// Runs the three reference steps and returns θ after each.
func referenceTrajectory(_ optimizer: inout some Optimizer, lr: Double) -> [[Double]] {
    var theta = referenceTheta0
    return referenceGradients.map { g in
        optimizer.step(parameters: &theta, gradient: g, lr: lr)
        return theta
    }
}
