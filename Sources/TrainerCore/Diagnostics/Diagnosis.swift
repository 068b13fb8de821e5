/// The reading of a run's gradient-norm and loss logs, written to `summary.json` under
/// `diagnosis` as `{ "verdict": String, "findings": [{ "kind", "severity", "steps", "message",
/// "action" }] }` and printed after every run.
///
/// `Diagnosis.analyze` (Diagnosis+Analysis.swift) reads the logs; the thresholds it uses are
/// the named constants below, so the report and the docs can quote them.
public struct Diagnosis: Sendable, Equatable {
    /// One observation about the run.
    public struct Finding: Sendable, Equatable {
        public enum Severity: String, Sendable { case info, warning }
        /// Machine-readable kind, e.g. `converging`, `spikes`, `vanishing`, `converged`,
        /// `diverging`, `diverged`, `plateau`, `clipping`.
        public var kind: String
        public var severity: Severity
        /// The steps the finding refers to (may be empty).
        public var steps: [Int]
        public var message: String
        /// What to do about it.
        public var action: String

        public init(kind: String, severity: Severity, steps: [Int], message: String, action: String) {
            self.kind = kind
            self.severity = severity
            self.steps = steps
            self.message = message
            self.action = action
        }
    }

    /// One line summing the run up.
    public var verdict: String
    public var findings: [Finding]

    public init(verdict: String, findings: [Finding]) {
        self.verdict = verdict
        self.findings = findings
    }

    public func json() -> JSONValue {
        .object([
            ("verdict", .string(verdict)),
            ("findings", .array(findings.map { f in
                .object([
                    ("kind", .string(f.kind)),
                    ("severity", .string(f.severity.rawValue)),
                    ("steps", .array(f.steps.map { .number(Double($0)) })),
                    ("message", .string(f.message)),
                    ("action", .string(f.action)),
                ])
            })),
        ])
    }

    /// Lines for the terminal summary.
    public func textLines() -> [String] {
        ["diagnosis  \(verdict)"] + findings.map { "  - [\($0.severity.rawValue)] \($0.message) → \($0.action)" }
    }
}

// MARK: - Thresholds

extension Diagnosis {
    /// At most this many steps are listed per finding; the message gives the total.
    public static let maxListedSteps = 20

    /// Share of the finite logged steps forming the "early" and the "late" window (at least one
    /// step each): the first and last 10 % of the log.
    public static let windowFraction = 0.1

    /// A gradient norm at or below this counts as zero. Losses are means over examples, so a
    /// smaller ‖g‖ moves θ by less than lr · 1e-6 per step: nothing, at any usable lr.
    public static let nearZeroGradNorm = 1e-6

    /// Late ‖g‖ (median of the late window) at or below this fraction of the first logged ‖g‖
    /// also counts as near zero: the gradient has fallen by three orders of magnitude.
    public static let convergedGradNormRatio = 1e-3

    /// A spike is a step whose ‖g‖ exceeds this multiple of its running median.
    public static let spikeFactor = 10.0
    /// The running median is taken over this many logged steps just before the step (the step
    /// itself is excluded so a spike cannot raise its own baseline).
    public static let spikeWindow = 25
    /// Spikes on at most this share of the finite logged steps are "rare" (severity info):
    /// unusual batches rather than a learning rate that is too high.
    public static let rareSpikeFraction = 0.01
    /// No spike is called before this many earlier logged steps exist to take a median of.
    public static let spikeMinHistory = 5

    /// Logged steps are cut into this many consecutive segments to judge a trend.
    public static let trendSegments = 5
    /// "Steadily decreasing": each segment's median ‖g‖ is at most this multiple of the previous
    /// segment's (mini-batch noise makes medians wobble), …
    public static let steadyTolerance = 1.25
    /// … the last segment's median is at most this fraction of the first logged ‖g‖, and the
    /// loss went down.
    public static let convergingDropRatio = 0.5
    /// Fewer finite logged steps than this are too few to call a trend.
    public static let minTrendSteps = 5

    /// "Growing": the late median ‖g‖ exceeds this multiple of the early median.
    public static let growthFactor = 2.0
    /// "Persistently large": the late median ‖g‖ is at least this fraction of the early median
    /// while the loss did not go down.
    public static let persistentFraction = 0.8

    /// A plateau is at least this many consecutive epochs …
    public static let plateauEpochs = 10
    /// … over which the full training loss (epochs.csv) changes, up or down, by less than this
    /// fraction of itself, …
    public static let plateauImprovement = 1e-3
    /// … that is not the end of training: either the loss later falls by more than this
    /// fraction of its plateau value (the run was stuck, then escaped), …
    public static let plateauEscape = 0.01
    /// … or, with a reference optimum f*, the run ends on the plateau with the gap f − f* above
    /// both `plateauGapScale` · (1 + |f*|) and `plateauGapFraction` of the gap after epoch 1.
    public static let plateauGapScale = 1e-3
    /// See `plateauGapScale`.
    public static let plateauGapFraction = 0.01

    /// Clipping on at least this share of the steps is reported as a warning: it then acts as a
    /// smaller learning rate rather than as a guard against rare large gradients.
    public static let frequentClippingFraction = 0.5
}
