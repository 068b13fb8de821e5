/// The reference optimum of the training objective and how far training got from it.
struct ReferenceComparison {
    var skippedReason: String?

    static func compute(config: TrainerConfig, data: PreparedData, outcome: TrainingOutcome, epochs: [EpochRecord], steps: [StepRecord]) -> ReferenceComparison? {
        guard config.compare.reference else { return nil }
        return ReferenceComparison(skippedReason: "not implemented yet")
    }

    func json() -> JSONValue {
        .object([("skipped", skippedReason.map { .string($0) } ?? .null)])
    }

    func textLines() -> [String] {
        if let skippedReason { return ["reference  skipped: \(skippedReason)"] }
        return []
    }
}
