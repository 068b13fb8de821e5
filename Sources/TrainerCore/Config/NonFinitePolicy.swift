/// What training does when a loss or gradient is NaN or infinite.
public enum NonFinitePolicy: String, Equatable, Sendable, CaseIterable {
    /// End training, keeping the last finite weights.
    case stop
    /// Skip that step and continue.
    case skip
    /// Fail the run with an error.
    case error
}
