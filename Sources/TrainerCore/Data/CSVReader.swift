/// A strict RFC 4180 reader over the raw bytes of a comma-separated file with a header row.
///
/// Syntax accepted:
/// - Comma delimiter only. Fields may be quoted with `"`; inside quotes, commas and line breaks
///   are data and a doubled quote `""` stands for one `"`.
/// - Line endings LF, CRLF or a lone CR, freely mixed; no final line ending is needed.
/// - An optional UTF-8 byte order mark at the very start is skipped.
/// - Physically empty lines (zero bytes between two line endings, including a trailing one) are
///   skipped everywhere, before the header too. A line holding only spaces is *not* empty: it is a
///   record and normally fails the field-count check. The price of this policy is that a
///   single-column file cannot express an empty value by an empty line; quote it (`""`) instead.
/// - Spaces and tabs are allowed before an opening quote and after a closing quote; any other
///   text after a closing quote (`"ab"c`), or a quote inside an unquoted field, is an error.
/// - Every record must have exactly as many fields as the header (no ragged rows).
///
/// Lines and columns in errors are 1-based; a field spanning lines reports the line it starts on.
/// The reader never builds a `String` for a field unless asked to (`text(of:column:)`), so numeric
/// columns are parsed directly from the buffer (`number(of:column:)`).
public struct CSVReader: Sendable {
    /// The path used in error messages.
    public let file: String
    /// The whole file.
    public let bytes: [UInt8]
    /// Column names from the header, trimmed of surrounding spaces and tabs; non-empty and unique.
    public let header: [String]
    /// The physical line the header is on (1 unless the file starts with empty lines).
    public let headerLine: Int

    private var position: Int
    private var line: Int

    /// Reads and validates the header.
    ///
    /// - Throws: `DataError` for an empty file, malformed header syntax, invalid UTF-8 in a column
    ///   name, an empty column name or a duplicated column name.
    public init(bytes: [UInt8], file: String) throws(DataError) {
        self.file = file
        self.bytes = bytes
        // Skip a UTF-8 byte order mark: spreadsheet exports add it, and it is not part of the name.
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var position = hasBOM ? 3 : 0
        var line = 1
        var fields: [CSVField] = []
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            Self.parseRecord(buffer, position: &position, line: &line, fields: &fields)
        }
        let headerLine: Int
        switch outcome {
        case .failure(let error):
            throw DataError(file: file, line: error.line, column: error.column, reason: error.reason)
        case .success(nil):
            throw DataError(file: file, reason: "empty file: a header row is required")
        case .success(let recordLine?):
            headerLine = recordLine
        }

        var names: [String] = []
        var columnOfName: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            let column = index + 1
            guard let name = Self.decodeText(bytes, field) else {
                throw DataError(file: file, line: field.line, column: column, reason: "invalid UTF-8 in header")
            }
            guard !name.isEmpty else {
                throw DataError(file: file, line: field.line, column: column, reason: "empty column name in header")
            }
            if let first = columnOfName[name] {
                throw DataError(
                    file: file, line: field.line, column: column, columnName: name,
                    reason: "duplicate column name \"\(name)\" (columns \(first) and \(column))")
            }
            columnOfName[name] = column
            names.append(name)
        }
        self.header = names
        self.headerLine = headerLine
        self.position = position
        self.line = line
    }

    /// Reads the next data record into `record`, reusing its storage.
    ///
    /// - Returns: `false` at the end of the file (`record` is then unspecified).
    /// - Throws: `DataError` for malformed syntax or a field count different from the header's.
    public mutating func readRecord(into record: inout CSVRecord) throws(DataError) -> Bool {
        var position = self.position
        var line = self.line
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            Self.parseRecord(buffer, position: &position, line: &line, fields: &record.fields)
        }
        self.position = position
        self.line = line
        switch outcome {
        case .failure(let error):
            throw DataError(
                file: file, line: error.line, column: error.column,
                columnName: columnName(error.column), reason: error.reason)
        case .success(nil):
            return false
        case .success(let recordLine?):
            record.line = recordLine
        }
        let expected = header.count
        let actual = record.fields.count
        if actual < expected {
            throw DataError(
                file: file, line: record.line,
                reason: "expected \(expected) fields, found \(actual)")
        }
        if actual > expected {
            // Name the first surplus field; a single empty one is almost always a trailing comma.
            let last = record.fields[actual - 1]
            let hint = actual == expected + 1 && trimmedContent(last).isEmpty ? " (trailing delimiter?)" : ""
            throw DataError(
                file: file, line: record.fields[expected].line, column: expected + 1,
                reason: "expected \(expected) fields, found \(actual)\(hint)")
        }
        return true
    }

    /// Parses `field` (in 0-based column `column`) as a finite `Double`, trimming spaces and tabs.
    ///
    /// - Throws: `DataError` with reason "empty value", "non-finite value …", "out of range: …" or
    ///   "non-numeric value …".
    public func number(of field: CSVField, column: Int) throws(DataError) -> Double {
        let result = bytes.withUnsafeBufferPointer { buffer in
            DecimalParser.parse(UnsafeBufferPointer(rebasing: buffer[field.start..<field.end]))
        }
        let reason: String
        switch result {
        case .value(let value): return value
        case .empty: reason = "empty value"
        case .nonFinite: reason = "non-finite value \(quotedExcerpt(field)): NaN and infinity are not allowed"
        case .outOfRange: reason = "out of range: \(quotedExcerpt(field)) does not fit in a 64-bit double"
        case .invalid: reason = "non-numeric value \(quotedExcerpt(field)), expected a number"
        }
        throw error(field, column: column, reason: reason)
    }

    /// The field's text: quotes collapsed, surrounding spaces and tabs trimmed.
    ///
    /// - Throws: `DataError` "invalid UTF-8 text" when the bytes are not valid UTF-8.
    public func text(of field: CSVField, column: Int) throws(DataError) -> String {
        guard let text = Self.decodeText(bytes, field) else {
            throw error(field, column: column, reason: "invalid UTF-8 text")
        }
        return text
    }

    /// The field's bytes with doubled quotes collapsed and surrounding spaces and tabs trimmed.
    ///
    /// Shares the reader's storage (no copy) unless the field contains escaped quotes, so it is
    /// cheap enough to use as a dictionary key for every row of a label column.
    public func trimmedContent(_ field: CSVField) -> ArraySlice<UInt8> {
        Self.trimmedContent(bytes, field)
    }

    /// A `DataError` located at `field` in 0-based column `column`.
    public func error(_ field: CSVField, column: Int, reason: String) -> DataError {
        let name = header.indices.contains(column) ? header[column] : nil
        return DataError(file: file, line: field.line, column: column + 1, columnName: name, reason: reason)
    }

    // MARK: - Internals

    private func columnName(_ column: Int?) -> String? {
        guard let column, column >= 1, column <= header.count else { return nil }
        return header[column - 1]
    }

    /// The field's text in quotes for an error message, cut to 40 characters so one bad cell
    /// holding a whole paragraph does not flood the terminal.
    func quotedExcerpt(_ field: CSVField) -> String {
        let text = String(decoding: trimmedContent(field), as: UTF8.self)
        let limit = 40
        return text.count > limit ? "\"\(text.prefix(limit))…\"" : "\"\(text)\""
    }

    static func trimmedContent(_ bytes: [UInt8], _ field: CSVField) -> ArraySlice<UInt8> {
        var content = bytes[field.start..<field.end]
        if field.hasEscapedQuotes {
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(content.count)
            var skipNext = false
            for byte in content {
                if skipNext { skipNext = false; continue }
                unescaped.append(byte)
                // The parser guarantees quotes inside quoted content come in pairs.
                if byte == UInt8(ascii: "\"") { skipNext = true }
            }
            content = unescaped[...]
        }
        while let first = content.first, DecimalParser.isBlank(first) { content.removeFirst() }
        while let last = content.last, DecimalParser.isBlank(last) { content.removeLast() }
        return content
    }

    static func decodeText(_ bytes: [UInt8], _ field: CSVField) -> String? {
        String(validating: trimmedContent(bytes, field), as: UTF8.self)
    }

    /// A syntax error before the column name is attached.
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var reason: String
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    /// Parses one record starting at `position`, skipping empty lines first.
    ///
    /// - Returns: the line the record starts on, or `nil` at the end of input.
    static func parseRecord(
        _ buffer: UnsafeBufferPointer<UInt8>, position: inout Int, line: inout Int, fields: inout [CSVField]
    ) -> Result<Int?, SyntaxError> {
        let count = buffer.count
        var p = position
        // Skip physically empty lines.
        while p < count {
            if buffer[p] == lineFeed {
                p += 1
                line += 1
            } else if buffer[p] == carriageReturn {
                p += 1
                if p < count, buffer[p] == lineFeed { p += 1 }
                line += 1
            } else {
                break
            }
        }
        guard p < count else {
            position = p
            return .success(nil)
        }
        let recordLine = line
        fields.removeAll(keepingCapacity: true)
        var column = 1
        while true {
            // Look past leading blanks for an opening quote.
            var q = p
            while q < count, DecimalParser.isBlank(buffer[q]) { q += 1 }
            if q < count, buffer[q] == quote {
                let openLine = line
                let contentStart = q + 1
                var hasEscapedQuotes = false
                q += 1
                while true {
                    guard q < count else {
                        position = q
                        return .failure(SyntaxError(
                            line: openLine, column: column,
                            reason: "unterminated quoted field: the quote opened on line \(openLine) is never closed"))
                    }
                    let byte = buffer[q]
                    if byte == quote {
                        if q + 1 < count, buffer[q + 1] == quote {
                            hasEscapedQuotes = true
                            q += 2
                            continue
                        }
                        break
                    }
                    // Count line breaks inside the quotes; CRLF is counted once, at its LF.
                    if byte == lineFeed || (byte == carriageReturn && !(q + 1 < count && buffer[q + 1] == lineFeed)) {
                        line += 1
                    }
                    q += 1
                }
                let contentEnd = q
                q += 1
                while q < count, DecimalParser.isBlank(buffer[q]) { q += 1 }
                if q < count, buffer[q] != comma, buffer[q] != lineFeed, buffer[q] != carriageReturn {
                    position = q
                    return .failure(SyntaxError(
                        line: line, column: column,
                        reason: "unexpected \(describe(buffer[q])) after closing quote"
                            + " (write a quote inside a quoted field as \"\")"))
                }
                fields.append(CSVField(
                    start: contentStart, end: contentEnd, line: openLine,
                    isQuoted: true, hasEscapedQuotes: hasEscapedQuotes))
            } else {
                while q < count {
                    let byte = buffer[q]
                    if byte == comma || byte == lineFeed || byte == carriageReturn { break }
                    if byte == quote {
                        position = q
                        return .failure(SyntaxError(
                            line: line, column: column,
                            reason: "quote inside an unquoted field (quote the whole field and write inner quotes as \"\")"))
                    }
                    q += 1
                }
                fields.append(CSVField(start: p, end: q, line: line, isQuoted: false, hasEscapedQuotes: false))
            }
            p = q
            if p < count, buffer[p] == comma {
                p += 1
                column += 1
                continue
            }
            // End of record: consume one line ending (or we are at the end of input).
            if p < count {
                if buffer[p] == carriageReturn, p + 1 < count, buffer[p + 1] == lineFeed { p += 1 }
                p += 1
                line += 1
            }
            position = p
            return .success(recordLine)
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "character \"\(Character(Unicode.Scalar(byte)))\"" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
