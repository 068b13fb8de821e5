/// A JSON syntax error and where it is: 1-based `line` and `column`, where the column counts
/// Unicode scalars (not bytes) from the start of the line, as editors do.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int
    /// What was wrong, e.g. `expected ',' or '}'`.
    public var reason: String

    /// Creates an error at `line`:`column`.
    public init(line: Int, column: Int, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `line:column: reason`, the form compilers use, so editors can jump to it.
    public var description: String { "\(line):\(column): \(reason)" }
}
