import Foundation
import Testing
@testable import TrainerCore

/// Reads every record of `bytes` as text, keeping each record's line and each field's line.
private struct Parsed {
    var header: [String]
    var headerLine: Int
    var rows: [[String]] = []
    var recordLines: [Int] = []
    var fieldLines: [[Int]] = []
}

private func parse(bytes: [UInt8]) throws(DataError) -> Parsed {
    var reader = try CSVReader(bytes: bytes, file: "t.csv")
    var parsed = Parsed(header: reader.header, headerLine: reader.headerLine)
    var record = CSVRecord()
    while try reader.readRecord(into: &record) {
        var row: [String] = []
        for (column, field) in record.fields.enumerated() {
            row.append(try reader.text(of: field, column: column))
        }
        parsed.rows.append(row)
        parsed.recordLines.append(record.line)
        parsed.fieldLines.append(record.fields.map(\.line))
    }
    return parsed
}

private func parse(_ text: String) throws(DataError) -> Parsed { try parse(bytes: Array(text.utf8)) }

/// The error thrown while reading all of `bytes`; fails the test if nothing is thrown.
private func parseError(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> DataError {
    try #require(throws: DataError.self, sourceLocation: sourceLocation) { _ = try parse(bytes: bytes) }
}

private func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DataError {
    try parseError(bytes: Array(text.utf8), sourceLocation: sourceLocation)
}

/// Parses a single-column file whose only data field is `text` with `CSVReader.number`.
private func number(_ text: String) throws(DataError) -> Double {
    var reader = try CSVReader(bytes: Array("x\n\(text)\n".utf8), file: "n.csv")
    var record = CSVRecord()
    guard try reader.readRecord(into: &record) else {
        throw DataError(file: "n.csv", reason: "test helper: no record")
    }
    return try reader.number(of: record.fields[0], column: 0)
}

private func numberError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> DataError {
    try #require(throws: DataError.self, sourceLocation: sourceLocation) { _ = try number(text) }
}

private func decimal(_ text: String) -> DecimalParser.Result {
    Array(text.utf8).withUnsafeBufferPointer { DecimalParser.parse($0) }
}

@Suite("CSV reader: syntax")
struct CSVReaderSyntaxTests {
    @Test func simpleFileWithLines() throws {
        let parsed = try parse("a,b,c\n1,2,3\n4,5,6\n")
        #expect(parsed.header == ["a", "b", "c"])
        #expect(parsed.headerLine == 1)
        #expect(parsed.rows == [["1", "2", "3"], ["4", "5", "6"]])
        #expect(parsed.recordLines == [2, 3])
    }

    @Test func quotedCommasAndDoubledQuotes() throws {
        let parsed = try parse("name,x\n\"a,b\",1\n\"say \"\"hi\"\"\",2\n\"\"\"\",3\n")
        #expect(parsed.rows == [["a,b", "1"], ["say \"hi\"", "2"], ["\"", "3"]])
    }

    @Test func quotedFieldSpanningLinesReportsItsStartLine() throws {
        let parsed = try parse("x,label,y\n1,\"first\nsecond\nthird\",7\n2,plain,8\n")
        #expect(parsed.rows == [["1", "first\nsecond\nthird", "7"], ["2", "plain", "8"]])
        #expect(parsed.recordLines == [2, 5])
        // The third field starts on line 4 (after the quoted field's closing quote).
        #expect(parsed.fieldLines == [[2, 2, 4], [5, 5, 5]])
    }

    @Test func crlfAndMixedLineEndings() throws {
        let crlf = try parse("a,b\r\n1,2\r\n3,4\r\n")
        #expect(crlf.rows == [["1", "2"], ["3", "4"]])
        #expect(crlf.recordLines == [2, 3])

        let mixed = try parse("a,b\n1,2\r\n3,4\r5,6\n7,\"x\r\ny\"\n8,9")
        #expect(mixed.rows == [["1", "2"], ["3", "4"], ["5", "6"], ["7", "x\r\ny"], ["8", "9"]])
        #expect(mixed.recordLines == [2, 3, 4, 5, 7])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let parsed = try parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8))
        #expect(parsed.header == ["a", "b"])
        #expect(parsed.rows == [["1", "2"]])
    }

    @Test func noTrailingNewline() throws {
        let parsed = try parse("a,b\n1,2\n3,\"4\"")
        #expect(parsed.rows == [["1", "2"], ["3", "4"]])
        #expect(parsed.recordLines == [2, 3])
    }

    @Test func emptyLinesAreSkippedButCounted() throws {
        let parsed = try parse("\n\na,b\n\n1,2\n\r\n\n3,4\n\n\n")
        #expect(parsed.headerLine == 3)
        #expect(parsed.header == ["a", "b"])
        #expect(parsed.rows == [["1", "2"], ["3", "4"]])
        #expect(parsed.recordLines == [5, 8])
    }

    @Test func quotedEmptyFieldIsARecordNotABlankLine() throws {
        let parsed = try parse("label\n\"\"\nx\n")
        #expect(parsed.rows == [[""], ["x"]])
        #expect(parsed.recordLines == [2, 3])
    }

    @Test func blanksAroundFieldsAndQuotesAreTrimmed() throws {
        let parsed = try parse(" a ,\tb\n  \"x, y\" \t, 2 \n")
        #expect(parsed.header == ["a", "b"])
        #expect(parsed.rows == [["x, y", "2"]])
    }

    @Test func trailingEmptyFieldsInsideTheHeaderCount() throws {
        let parsed = try parse("a,b\n1,\n,2\n")
        #expect(parsed.rows == [["1", ""], ["", "2"]])
    }

    @Test func unterminatedQuoteNamesTheLineItOpenedOn() throws {
        let error = try parseError("a,b\n1,2\n3,\"abc\n4,5\n6,7\n")
        #expect(error.line == 3)
        #expect(error.column == 2)
        #expect(error.columnName == "b")
        #expect(error.reason.contains("unterminated quoted field"))
        #expect(error.reason.contains("line 3"))
    }

    @Test func textAfterClosingQuoteIsAnError() throws {
        let error = try parseError("a,b\n1,2\n\"ab\"c,1\n")
        #expect(error.line == 3)
        #expect(error.column == 1)
        #expect(error.columnName == "a")
        #expect(error.reason.hasPrefix("unexpected character \"c\" after closing quote"))
    }

    @Test func textAfterClosingQuoteOfMultilineFieldReportsThatLine() throws {
        let error = try parseError("a,b\n1,\"x\ny\"z\n")
        #expect(error.line == 3)
        #expect(error.column == 2)
    }

    @Test func quoteInsideUnquotedFieldIsAnError() throws {
        let error = try parseError("a,b\n1,ab\"c\n")
        #expect(error.line == 2)
        #expect(error.column == 2)
        #expect(error.reason.hasPrefix("quote inside an unquoted field"))
    }

    @Test func tooFewFields() throws {
        let error = try parseError("a,b,c\n1,2,3\n4,5\n")
        #expect(error.line == 3)
        #expect(error.column == nil)
        #expect(error.reason == "expected 3 fields, found 2")
    }

    @Test func tooManyFields() throws {
        let error = try parseError("a,b\n1,2\n1,2,3\n")
        #expect(error.line == 3)
        #expect(error.column == 3)
        #expect(error.reason == "expected 2 fields, found 3")
    }

    @Test func trailingDelimiterIsCalledOut() throws {
        let error = try parseError("a,b,c\n1,2,3,\n")
        #expect(error.line == 2)
        #expect(error.column == 4)
        #expect(error.reason == "expected 3 fields, found 4 (trailing delimiter?)")
    }

    @Test func whitespaceOnlyLineIsARaggedRecord() throws {
        let error = try parseError("a,b\n1,2\n   \n3,4\n")
        #expect(error.line == 3)
        #expect(error.reason == "expected 2 fields, found 1")
    }

    @Test(arguments: [[UInt8](), [0xEF, 0xBB, 0xBF], Array("\n\r\n\n".utf8)])
    func emptyFileNeedsAHeader(bytes: [UInt8]) throws {
        let error = try parseError(bytes: bytes)
        #expect(error == DataError(file: "t.csv", reason: "empty file: a header row is required"))
    }

    @Test func invalidUTF8InHeader() throws {
        let error = try parseError(bytes: Array("a,".utf8) + [0x62, 0xFF] + Array("\n1,2\n".utf8))
        #expect(error == DataError(file: "t.csv", line: 1, column: 2, reason: "invalid UTF-8 in header"))
    }

    @Test func emptyHeaderName() throws {
        let error = try parseError("a, ,c\n1,2,3\n")
        #expect(error == DataError(file: "t.csv", line: 1, column: 2, reason: "empty column name in header"))
    }

    @Test func duplicateHeaderNameNamesBothColumns() throws {
        let error = try parseError("a,b,c,b\n1,2,3,4\n")
        #expect(error.line == 1)
        #expect(error.column == 4)
        #expect(error.reason == "duplicate column name \"b\" (columns 2 and 4)")
    }

    @Test func descriptionFormat() {
        let full = DataError(file: "Datasets/x.csv", line: 12, column: 3, columnName: "bmi",
                             reason: "non-numeric value \"abc\", expected a number")
        #expect(full.description == "Datasets/x.csv:12:3 (column \"bmi\"): non-numeric value \"abc\", expected a number")
        #expect(DataError(file: "f.csv", line: 4, reason: "r").description == "f.csv:4: r")
        #expect(DataError(file: "f.csv", column: 2, columnName: "y", reason: "r").description == "f.csv (column \"y\"): r")
        #expect(DataError(file: "f.csv", reason: "r").description == "f.csv: r")
    }
}

@Suite("CSV reader: numbers")
struct CSVNumberTests {
    @Test(arguments: [
        ("1.5", 1.5), (" 1.5\t", 1.5), ("\t -2 ", -2), (".5", 0.5), ("5.", 5), ("+3", 3),
        ("1E3", 1000), ("1e+03", 1000), ("2.5e-3", 0.0025), ("0.000123", 0.000123),
        ("123456789012345678901234", 123456789012345678901234.0), ("1e-400", 0),
        ("179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368", .greatestFiniteMagnitude),
        ("4.9406564584124654e-324", .leastNonzeroMagnitude),
        ("2.2250738585072014e-308", .leastNormalMagnitude),
        ("0.1", 0.1), ("9007199254740993", 9007199254740992), ("1e22", 1e22), ("1e23", 1e23),
    ])
    func acceptedSpellings(text: String, expected: Double) throws {
        let value = try number(text)
        #expect(value.bitPattern == expected.bitPattern, "\(text) → \(value), expected \(expected)")
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let value = try number("-0")
        #expect(value == 0 && value.sign == .minus)
        let quoted = try number("\" -0.0 \"")
        #expect(quoted.sign == .minus)
    }

    @Test(arguments: ["nan", "NaN", "-nan", "inf", "+INF", "-Infinity", "iNfInItY"])
    func nonFiniteIsRejected(text: String) throws {
        let error = try numberError(text)
        #expect(error.line == 2)
        #expect(error.column == 1)
        #expect(error.columnName == "x")
        #expect(error.reason.hasPrefix("non-finite value \"\(text)\""))
    }

    @Test(arguments: ["1e400", "-1e400", "2e308", "1.8e308"])
    func overflowIsOutOfRange(text: String) throws {
        let error = try numberError(text)
        #expect(error.reason.hasPrefix("out of range: \"\(text)\""))
    }

    @Test(arguments: ["abc", "0x1p3", "0x10", "1.2.3", "1e", "1e+", "-", ".", "1,5", "1 000", "nan(1)", "infinit", "١"])
    func nonNumericIsRejected(text: String) throws {
        // "1,5" is quoted so the comma stays inside one field.
        let error = try numberError(text == "1,5" ? "\"1,5\"" : text)
        #expect(error.reason == "non-numeric value \"\(text)\", expected a number")
    }

    @Test func emptyValue() throws {
        for text in ["", "  ", "\"\"", "\" \t\""] {
            // A physically empty line would be skipped, so use a two-column file for "".
            var reader = try CSVReader(bytes: Array("x,y\n\(text),1\n".utf8), file: "n.csv")
            var record = CSVRecord()
            #expect(try reader.readRecord(into: &record))
            let error = try #require(throws: DataError.self) { _ = try reader.number(of: record.fields[0], column: 0) }
            #expect(error == DataError(file: "n.csv", line: 2, column: 1, columnName: "x", reason: "empty value"))
        }
    }

    @Test func longTextIsTruncatedInTheMessage() throws {
        let text = String(repeating: "abcdefghij", count: 6)
        let error = try numberError(text)
        #expect(error.reason == "non-numeric value \"\(String(text.prefix(40)))…\", expected a number")
    }

    /// Every double printed with 17 significant digits must come back bit for bit.
    @Test func seventeenDigitRoundTrip() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        var values: [Double] = [
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude,
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Double.leastNormalMagnitude.nextDown,
            1, 0.1, 1.0 / 3, 9_007_199_254_740_992, 1e308, 1e-308, 123456789.123456789,
        ]
        for _ in 0..<20_000 {
            let bits = generator.next()
            let value = Double(bitPattern: bits)
            if value.isFinite { values.append(value) }
        }
        for _ in 0..<2_000 {  // subnormals: exponent field zero
            values.append(Double(bitPattern: generator.next() & 0x800F_FFFF_FFFF_FFFF))
        }
        for _ in 0..<2_000 {  // ordinary magnitudes, where real data lives
            values.append(Double.random(in: -1e6...1e6, using: &generator))
        }
        var text = "x\n"
        for (index, value) in values.enumerated() {
            // Alternate the two usual 17-digit spellings.
            text += index.isMultiple(of: 2) ? String(format: "%.16e", value) : String(format: "%.17g", value)
            text += "\n"
        }
        var reader = try CSVReader(bytes: Array(text.utf8), file: "r.csv")
        var record = CSVRecord()
        var parsed: [Double] = []
        while try reader.readRecord(into: &record) {
            parsed.append(try reader.number(of: record.fields[0], column: 0))
        }
        #expect(parsed.count == values.count)
        let mismatches = zip(values, parsed).filter { $0.bitPattern != $1.bitPattern }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }

    /// Short decimals take the fast path; it must agree with the correctly rounded `Double(String)`.
    @Test func fastPathAgreesWithStandardLibrary() {
        var generator = SeededGenerator(seed: 42)
        var checked = 0
        var mismatches: [String] = []
        for _ in 0..<50_000 {
            let mantissa = generator.next() % 10_000_000_000_000_000
            let exponent = Int(generator.next() % 61) - 30
            let digits = String(mantissa)
            let point = Int(generator.next() % UInt64(digits.count + 1))
            let text = String(digits.prefix(point)) + "." + String(digits.dropFirst(point)) + "e\(exponent)"
            guard let expected = Double(text) else { continue }
            guard case .value(let value) = decimal(text) else {
                Issue.record("rejected \(text)")
                continue
            }
            if value.bitPattern != expected.bitPattern { mismatches.append(text) }
            checked += 1
        }
        #expect(checked == 50_000)
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, e.g. \(mismatches.prefix(5))")
    }

    @Test func parserResultsDirectly() {
        #expect(decimal("  ") == .empty)
        #expect(decimal("Inf") == .nonFinite)
        #expect(decimal("1e999999999999") == .outOfRange)
        #expect(decimal("1e-999999999999") == .value(0))
        #expect(decimal("0e999999999999") == .value(0))
        #expect(decimal("0x1") == .invalid)
    }

    @Test func integerParsing() {
        #expect(DecimalParser.parseInteger(Array("42".utf8)) == 42)
        #expect(DecimalParser.parseInteger(Array("-0".utf8)) == 0)
        #expect(DecimalParser.parseInteger(Array("+007".utf8)) == 7)
        #expect(DecimalParser.parseInteger(Array("-9223372036854775808".utf8)) == Int.min)
        #expect(DecimalParser.parseInteger(Array("9223372036854775808".utf8)) == nil)
        #expect(DecimalParser.parseInteger(Array("1.0".utf8)) == nil)
        #expect(DecimalParser.parseInteger(Array("-".utf8)) == nil)
        #expect(DecimalParser.parseInteger(Array("".utf8)) == nil)
    }
}
