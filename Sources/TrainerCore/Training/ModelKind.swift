/// The three model families the tool trains. All are linear in the features: scores are
/// Z = X·W + 1·bᵀ with W of shape d×K and b of length K.
public enum ModelKind: String, Sendable, CaseIterable, Codable {
    /// Least squares regression (MSE loss), K = 1.
    case linear
    /// Binary logistic regression on targets 0/1, K = 1.
    case logistic
    /// Multinomial (softmax) regression on K ≥ 2 classes.
    case softmax

    /// Whether targets are class labels.
    public var isClassifier: Bool { self != .linear }
}
