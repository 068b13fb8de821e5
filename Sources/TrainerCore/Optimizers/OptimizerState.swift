/// A checkpointable snapshot of an optimizer: its step count and named flat buffers.
///
/// Buffer names follow PyTorch's `optimizer.state_dict()` keys (`"momentum_buffer"`, `"exp_avg"`,
/// `"exp_avg_sq"`, `"max_exp_avg_sq"`) so a reader of a checkpoint can map them to the algorithm.
public struct OptimizerState: Equatable, Sendable, Codable {
    /// Number of optimizer steps taken when the snapshot was made.
    public var stepCount: Int
    /// Named per-parameter buffers, each with one entry per parameter.
    public var buffers: [String: [Double]]

    public init(stepCount: Int, buffers: [String: [Double]]) {
        self.stepCount = stepCount
        self.buffers = buffers
    }
}

extension OptimizerState {
    /// Checks that this state has exactly the buffers `names`, each of length `count`, and a
    /// non-negative step count. Shared by every optimizer's `restore` so all reject the same way.
    func validate(names: [String], count: Int) throws(OptimizerError) {
        guard stepCount >= 0 else { throw .invalidStepCount(stepCount) }
        let found = buffers.keys.sorted()
        let expected = names.sorted()
        guard found == expected else {
            throw .bufferNamesMismatch(expected: expected, found: found)
        }
        for name in expected {
            let length = buffers[name]!.count
            guard length == count else {
                throw .bufferLengthMismatch(name: name, expected: count, found: length)
            }
        }
    }
}
