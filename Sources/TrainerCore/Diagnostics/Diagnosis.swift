/// The reading of a run's gradient-norm and loss logs, written to `summary.json` under
/// `diagnosis` as `{ "verdict": String, "findings": [{ "kind", "severity", "steps", "message",
/// "action" }] }` and printed after every run.
public struct Diagnosis: Sendable, Equatable {
    /// One observation about the run.
    public struct Finding: Sendable, Equatable {
        public enum Severity: String, Sendable { case info, warning }
        /// Machine-readable kind, e.g. `converging`, `spikes`, `vanishing`, `converged`,
        /// `diverging`, `plateau`, `clipping`.
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

    /// Reads the logs of a finished run.
    public static func analyze(steps: [StepRecord], epochs: [EpochRecord], outcome: TrainingOutcome, reference: ReferenceComparison?, clipNorm: Double?) -> Diagnosis {
        Diagnosis(verdict: "no diagnosis yet", findings: [])
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
