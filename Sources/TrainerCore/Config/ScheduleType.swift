/// The shape of the learning-rate schedule.
public enum ScheduleType: String, Equatable, Sendable, CaseIterable {
    /// lr stays fixed.
    case constant
    /// lr is multiplied by `gamma` every `step_size` epochs.
    case step
    /// lr is multiplied by `gamma` every epoch.
    case exponential
    /// lr follows a cosine from lr down to `min_lr`.
    case cosine
}
