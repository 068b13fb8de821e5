/// A typed view of `summary.json` (see `SummaryBuilder` for the writer and field contract).
///
/// Almost everything is optional: a run that is still `running`, or was killed, has written
/// only the fields known before training. A field that is present must have the right type;
/// otherwise loading fails with the key's path.
public struct RunSummary: Sendable {
    /// Final losses and metrics (`final`).
    public struct Final: Sendable {
        public var trainLoss: Double?
        public var valLoss: Double?
        public var trainMetric: Double?
        public var valMetric: Double?
        /// `accuracy` or `r2`, from the key names actually present.
        public var metricName: String
        public var gradNorm: Double?
    }

    /// Where training blew up (`divergence`).
    public struct Divergence: Sendable {
        public var step: Int?
        public var epoch: Int?
        public var lr: Double?
        public var loss: Double?
        public var gradNorm: Double?
        public var reason: String?
        public var hint: String?
    }

    /// The reference optimum comparison (`reference`).
    public struct Reference: Sendable {
        public var skipped: String?
        public var method: String?
        public var objective: Double?
        public var objectiveGap: Double?
        public var weightDistance: Double?
        public var relativeWeightDistance: Double?
        public var lambdaMax: Double?
        public var lambdaMin: Double?
        public var conditionNumber: Double?
        public var maxStableLR: Double?
        public var predictedContraction: Double?
        public var measuredContraction: Double?
    }

    /// Data sizes (`data`).
    public struct DataInfo: Sendable {
        public var path: String?
        public var rows: Int?
        public var trainRows: Int?
        public var valRows: Int?
        public var features: Int?
        public var classes: [String]?
    }

    /// Wall-clock seconds (`timing`).
    public struct Timing: Sendable {
        public var load: Double?
        public var train: Double?
        public var reference: Double?
        public var total: Double?
    }

    public var status: String
    public var stopReason: String?
    public var model: String?
    public var name: String?
    public var steps: Int?
    public var plannedSteps: Int?
    public var epochsCompleted: Int?
    public var skippedSteps: Int?
    public var clippedSteps: Int?
    public var restoredEpoch: Int?
    public var final: Final?
    public var divergence: Divergence?
    public var reference: Reference?
    public var diagnosis: Diagnosis?
    public var data: DataInfo?
    public var timing: Timing?
    /// The document as read, for `--json` output.
    public var document: JSONValue

    /// Reads `summary.json` at `path`.
    public static func load(path: String) throws(RunReadError) -> RunSummary {
        try RunSummary(JSONFieldReader.load(path: path))
    }

    /// Parses a summary document.
    public init(_ r: JSONFieldReader) throws(RunReadError) {
        document = r.value
        guard let status = try r.string("status") else { throw r.error("status", "missing: expected \"running\", \"completed\", \"diverged\", \"failed\" or \"interrupted\"") }
        self.status = status
        stopReason = try r.string("stop_reason")
        model = try r.string("model")
        name = try r.string("name")
        steps = try r.integer("steps")
        plannedSteps = try r.integer("planned_steps")
        epochsCompleted = try r.integer("epochs_completed")
        skippedSteps = try r.integer("skipped_steps")
        clippedSteps = try r.integer("clipped_steps")
        restoredEpoch = try r.integer("restored_epoch")
        if let f = try r.object("final") {
            // `||` takes an autoclosure, which would erase the typed throw; read both first.
            let hasR2 = try f.member("train_r2") != nil, hasValR2 = try f.member("val_r2") != nil
            let metricName = hasR2 || hasValR2 ? "r2" : "accuracy"
            final = Final(
                trainLoss: try f.number("train_loss"), valLoss: try f.number("val_loss"),
                trainMetric: try f.number("train_\(metricName)"), valMetric: try f.number("val_\(metricName)"),
                metricName: metricName, gradNorm: try f.number("grad_norm"))
        }
        if let d = try r.object("divergence") {
            divergence = Divergence(
                step: try d.integer("step"), epoch: try d.integer("epoch"), lr: try d.number("lr"), loss: try d.number("loss"),
                gradNorm: try d.number("grad_norm"), reason: try d.string("reason"), hint: try d.string("hint"))
        }
        if let x = try r.object("reference") {
            reference = Reference(
                skipped: try x.string("skipped"), method: try x.string("method"), objective: try x.number("objective"),
                objectiveGap: try x.number("objective_gap"), weightDistance: try x.number("weight_distance"),
                relativeWeightDistance: try x.number("relative_weight_distance"), lambdaMax: try x.number("lambda_max"),
                lambdaMin: try x.number("lambda_min"), conditionNumber: try x.number("condition_number"),
                maxStableLR: try x.number("max_stable_lr"), predictedContraction: try x.number("predicted_contraction"),
                measuredContraction: try x.number("measured_contraction"))
        }
        if let g = try r.object("diagnosis") {
            var findings: [Diagnosis.Finding] = []
            if let list = try g.member("findings") {
                guard case .array(let items) = list else { throw g.error("findings", "expected an array, got \(list.errorDescription)") }
                for (i, item) in items.enumerated() {
                    let f = JSONFieldReader(item, file: r.file, path: "diagnosis.findings[\(i)]")
                    let severityText = try f.string("severity") ?? "info"
                    guard let severity = Diagnosis.Finding.Severity(rawValue: severityText) else {
                        throw f.error("severity", "expected \"info\" or \"warning\", got \"\(severityText)\"")
                    }
                    var steps: [Int] = []
                    if try f.member("steps") != nil {
                        steps = try f.numbers("steps", count: nil).map { Int(exactly: $0) ?? 0 }
                    }
                    findings.append(Diagnosis.Finding(
                        kind: try f.string("kind") ?? "", severity: severity, steps: steps,
                        message: try f.string("message") ?? "", action: try f.string("action") ?? ""))
                }
            }
            diagnosis = Diagnosis(verdict: try g.string("verdict") ?? "", findings: findings)
        }
        if let x = try r.object("data") {
            data = DataInfo(
                path: try x.string("path"), rows: try x.integer("rows"), trainRows: try x.integer("train_rows"),
                valRows: try x.integer("val_rows"), features: try x.integer("features"), classes: try x.strings("classes"))
        }
        if let t = try r.object("timing") {
            timing = Timing(load: try t.number("load_seconds"), train: try t.number("train_seconds"),
                            reference: try t.number("reference_seconds"), total: try t.number("total_seconds"))
        }
    }
}
