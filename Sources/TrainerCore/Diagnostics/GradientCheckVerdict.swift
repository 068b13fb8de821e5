/// How far an analytic gradient may be trusted, from the relative error
/// ‖g_a − g_n‖ / (‖g_a‖ + ‖g_n‖) against a centred-difference gradient, by the usual
/// double-precision thresholds (cs231n's rules of thumb): below 1e-7 good, up to 1e-5
/// acceptable, above 1e-3 a bug, in between suspicious (a kink such as L1 at 0, or a subtle
/// error). Ordered from best to worst.
public enum GradientCheckVerdict: String, Sendable, Comparable, CaseIterable {
    case good
    case acceptable
    case suspicious
    case bug

    /// Upper bound (exclusive) of `good`.
    public static let goodBelow = 1e-7
    /// Upper bound (inclusive) of `acceptable`.
    public static let acceptableUpTo = 1e-5
    /// Above this the gradient is wrong.
    public static let bugAbove = 1e-3

    /// The verdict for a relative error; NaN (a non-finite gradient) counts as a bug.
    public init(relativeError e: Double) {
        if !(e <= Self.bugAbove) {
            self = .bug
        } else if e < Self.goodBelow {
            self = .good
        } else if e <= Self.acceptableUpTo {
            self = .acceptable
        } else {
            self = .suspicious
        }
    }

    /// 0 for good … 3 for bug.
    var rank: Int {
        switch self {
        case .good: return 0
        case .acceptable: return 1
        case .suspicious: return 2
        case .bug: return 3
        }
    }

    public static func < (a: GradientCheckVerdict, b: GradientCheckVerdict) -> Bool {
        a.rank < b.rank
    }

    /// One line stating the thresholds, for reports.
    public static let thresholds = "< 1e-7 good, ≤ 1e-5 acceptable, ≤ 1e-3 suspicious, > 1e-3 bug"
}
