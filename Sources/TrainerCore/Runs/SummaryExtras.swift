/// The reliability fields of `summary.json`, added to what `SummaryBuilder` writes:
/// `data.missing` (the policy), `data.missing_values`, `data.dropped_rows`, `checkpoint`
/// (`{"file": "checkpoint.json", "step": k}` or null) and `resumed_from_step` (or null).
struct SummaryExtras {
    var missing: MissingValueReport
    var resumedFromStep: Int?

    func apply(to summary: JSONValue, checkpointStep: Int?) -> JSONValue {
        guard case .object(var members) = summary else { return summary }
        if case .object(var data)? = summary["data"] {
            data.setMember("missing", .string(missing.policy.rawValue))
            data.setMember("missing_values", .number(Double(missing.missingValues)))
            data.setMember("dropped_rows", .number(Double(missing.droppedRows)))
            members.setMember("data", .object(data))
        }
        members.setMember("checkpoint", checkpointStep.map {
            .object([("file", .string("checkpoint.json")), ("step", .number(Double($0)))])
        } ?? .null)
        members.setMember("resumed_from_step", resumedFromStep.map { .number(Double($0)) } ?? .null)
        return .object(members)
    }
}
