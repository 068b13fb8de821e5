/// The location of one field inside a `CSVReader`'s byte buffer.
///
/// Fields are byte ranges rather than strings so numeric columns can be parsed straight from the
/// buffer; only header names and string labels are ever turned into `String`s.
public struct CSVField: Sendable, Equatable {
    /// Start of the field's content in the buffer (after the opening quote, if quoted).
    public var start: Int
    /// End (exclusive) of the content (before the closing quote, if quoted).
    public var end: Int
    /// 1-based physical line the field starts on.
    public var line: Int
    /// Whether the field was quoted.
    public var isQuoted: Bool
    /// Whether the content contains doubled quotes (`""`) that must be collapsed when read as text.
    public var hasEscapedQuotes: Bool

    /// Creates a field location.
    public init(start: Int, end: Int, line: Int, isQuoted: Bool, hasEscapedQuotes: Bool) {
        self.start = start
        self.end = end
        self.line = line
        self.isQuoted = isQuoted
        self.hasEscapedQuotes = hasEscapedQuotes
    }
}
