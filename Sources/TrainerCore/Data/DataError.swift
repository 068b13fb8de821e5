/// An error in a data file: unreadable, malformed CSV, or values that do not fit the model.
///
/// Every problem with user-supplied data surfaces as a `DataError`, never as a trap, so the CLI
/// can print one precise, clickable location (`file:line:column`) and exit with a usage error.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path of the file as the user gave it.
    public var file: String
    /// 1-based physical line number; for a quoted field spanning lines, the line it starts on.
    public var line: Int?
    /// 1-based column (field index within the record).
    public var column: Int?
    /// The header name of the column, when known.
    public var columnName: String?
    /// What is wrong, in words meant for the person who wrote the file.
    public var reason: String

    /// Creates an error; pass `nil` for location parts that do not apply.
    public init(file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.reason = reason
    }

    /// `file:line:column (column "name"): reason`, omitting the parts that are `nil`.
    ///
    /// The column number is only printed after a line number, because `file:3` alone would read
    /// as a line reference in editors and terminals.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let columnName { text += " (column \"\(columnName)\")" }
        return text + ": " + reason
    }
}
