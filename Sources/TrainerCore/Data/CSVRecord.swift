/// One data record of a CSV file: the line it starts on and its fields.
///
/// Meant to be reused across `CSVReader.readRecord(into:)` calls so the field array's storage is
/// allocated once per file, not once per row.
public struct CSVRecord: Sendable {
    /// 1-based physical line the record starts on.
    public var line: Int = 0
    /// The fields, in column order; always as many as the header has columns.
    public var fields: [CSVField] = []

    /// An empty record to pass to `CSVReader.readRecord(into:)`.
    public init() {}
}
