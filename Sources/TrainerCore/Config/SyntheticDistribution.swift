/// How synthetic features are drawn (`data.synthetic.distribution`).
public enum SyntheticDistribution: String, CaseIterable, Sendable {
    /// Independent standard normal entries, x ~ N(0, 1).
    case normal
    /// Independent uniform entries on [-1, 1).
    case uniform
}
