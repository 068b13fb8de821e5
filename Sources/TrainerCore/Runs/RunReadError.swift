/// A run folder, or a file in it, that cannot be read back: missing, malformed, or holding a
/// value of the wrong shape. Raised by the commands that read runs (`inspect`, `compare`,
/// `predict`, `evaluate`); the CLI reports it as bad input (exit 65).
///
/// Every error names the file, plus the line and column (CSV and JSON syntax) or the JSON key
/// path (`final.train_loss`, `weights[2][0]`) where that applies, so the user can open the file
/// at the right place.
public struct RunReadError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file or folder, as the user (or the run folder) names it.
    public var file: String
    /// 1-based line, for syntax errors.
    public var line: Int?
    /// 1-based column, for syntax errors.
    public var column: Int?
    /// JSON key path or CSV column name the error is about.
    public var key: String?
    /// What is wrong, in words for the person reading the terminal.
    public var reason: String

    /// Creates an error; pass `nil` for location parts that do not apply.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.reason = reason
    }

    /// Wraps a CSV error from a run folder's own files (`metrics.csv`, `epochs.csv`).
    public init(_ error: DataError) {
        self.init(file: error.file, line: error.line, column: error.column, key: error.columnName, reason: error.reason)
    }

    /// `file:line:column: key "k": reason`, omitting the parts that are `nil`.
    public var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        if let key { text += ": \"\(key)\"" }
        return text + ": " + reason
    }
}
