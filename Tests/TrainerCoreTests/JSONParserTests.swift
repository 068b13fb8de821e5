import Testing
@testable import TrainerCore

/// Parses `text`, failing the test with the parser's message if it does not parse.
private func parsed(_ text: String) throws -> JSONValue {
    try JSONValue.parse(text)
}

/// The error `text` produces; records a test failure and returns nil if it parses.
private func parseError(_ text: String) -> JSONParseError? {
    do {
        let value = try JSONValue.parse(text)
        Issue.record("expected a syntax error, parsed \(value)")
        return nil
    } catch {
        return error
    }
}

@Suite struct JSONParserTests {
    @Test func parsesScalars() throws {
        #expect(try parsed("null") == .null)
        #expect(try parsed("true") == .bool(true))
        #expect(try parsed("false") == .bool(false))
        #expect(try parsed("  42 \n") == .number(42))
        #expect(try parsed("-0.5") == .number(-0.5))
        #expect(try parsed("\"hi\"") == .string("hi"))
    }

    @Test func objectsKeepKeyOrder() throws {
        let value = try parsed(#"{"b": 1, "a": [true, null], "c": {}}"#)
        guard case .object(let members) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        #expect(members.map(\.0) == ["b", "a", "c"])
        #expect(value["a"] == .array([.bool(true), .null]))
        #expect(value["c"] == .object([]))
        #expect(value["missing"] == nil)
    }

    @Test func objectEqualityIsOrderSensitive() {
        let ab = JSONValue.object([("a", .number(1)), ("b", .number(2))])
        let ba = JSONValue.object([("b", .number(2)), ("a", .number(1))])
        #expect(ab != ba)
        #expect(ab == .object([("a", .number(1)), ("b", .number(2))]))
        #expect(ab != .object([("a", .number(1))]))
        #expect(JSONValue.number(1) != .string("1"))
    }

    @Test func parsesEmptyContainers() throws {
        #expect(try parsed("[]") == .array([]))
        #expect(try parsed("[ ]") == .array([]))
        #expect(try parsed("{ }") == .object([]))
    }

    @Test func stringEscapes() throws {
        #expect(try parsed(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try parsed(#""\u0041\u00e9\u4E2D""#) == .string("Aé中"))
        // U+1F600 as a UTF-16 surrogate pair.
        #expect(try parsed(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try parsed(#""\u0000""#) == .string("\u{0}"))
        #expect(try parsed("\"naïve 😀\"") == .string("naïve 😀"))
    }

    @Test func numbersAreExact() throws {
        #expect(try parsed("0.1") == .number(0.1))
        #expect(try parsed("1e-5") == .number(1e-5))
        #expect(try parsed("1E+2") == .number(100))
        #expect(try parsed("3.0") == .number(3))
        #expect(try parsed("0.30000000000000004") == .number(0.1 + 0.2))
        #expect(try parsed("9007199254740993") == .number(9_007_199_254_740_992))
        #expect(try parsed("2.2250738585072014e-308") == .number(Double.leastNormalMagnitude))
        #expect(try parsed("1e-400") == .number(0))
        #expect(try parsed("1.7976931348623157e308") == .number(Double.greatestFiniteMagnitude))
    }

    @Test func rejectsNumbersThatOverflow() {
        #expect(parseError("[1, 1e400]") == JSONParseError(line: 1, column: 5, reason: "number 1e400 is out of range"))
        #expect(parseError("-1.8e308") == JSONParseError(line: 1, column: 1, reason: "number -1.8e308 is out of range"))
    }

    @Test func rejectsNonJSONNumbers() {
        #expect(parseError("01") == JSONParseError(line: 1, column: 1, reason: "invalid number: leading zeros are not allowed"))
        #expect(parseError("1.") == JSONParseError(line: 1, column: 3, reason: "invalid number: expected a digit after '.'"))
        #expect(parseError("1e") == JSONParseError(line: 1, column: 3, reason: "invalid number: expected a digit in the exponent"))
        #expect(parseError("-") == JSONParseError(line: 1, column: 2, reason: "invalid number: expected a digit"))
        #expect(parseError("+1") == JSONParseError(line: 1, column: 1, reason: "unexpected '+', expected a value"))
        #expect(parseError(".5") == JSONParseError(line: 1, column: 1, reason: "unexpected '.', expected a value"))
        #expect(parseError("NaN") == JSONParseError(line: 1, column: 1, reason: "unexpected 'N', expected a value"))
        #expect(parseError("inf") == JSONParseError(line: 1, column: 1, reason: "unexpected 'i', expected a value"))
        #expect(parseError("Infinity") == JSONParseError(line: 1, column: 1, reason: "unexpected 'I', expected a value"))
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        let missingComma = """
        {
          "optimizer": {
            "lr": 0.1;
          }
        }
        """
        #expect(parseError(missingComma) == JSONParseError(line: 3, column: 14, reason: "expected ',' or '}'"))
        #expect(parseError("[1, 2\n  3]") == JSONParseError(line: 2, column: 3, reason: "expected ',' or ']'"))
        #expect(parseError("{\"a\" 1}") == JSONParseError(line: 1, column: 6, reason: "expected ':' after object key"))
        #expect(parseError("{\"a\": 1,}") == JSONParseError(line: 1, column: 9, reason: "expected a string key, got '}'"))
        #expect(parseError("[1,]") == JSONParseError(line: 1, column: 4, reason: "unexpected ']', expected a value"))
        #expect(parseError("{a: 1}") == JSONParseError(line: 1, column: 2, reason: "expected a string key, got 'a'"))
        #expect(parseError("") == JSONParseError(line: 1, column: 1, reason: "unexpected end of input, expected a value"))
        #expect(parseError("[1, 2") == JSONParseError(line: 1, column: 6, reason: "expected ',' or ']'"))
        #expect(parseError("{\"a\": 1") == JSONParseError(line: 1, column: 8, reason: "expected ',' or '}'"))
        #expect(parseError("{} x") == JSONParseError(line: 1, column: 4, reason: "unexpected 'x' after the JSON value"))
        #expect(parseError("tru") == JSONParseError(line: 1, column: 1, reason: "invalid literal, expected 'true'"))
        #expect(parseError("nul1") == JSONParseError(line: 1, column: 1, reason: "invalid literal, expected 'null'"))
    }

    @Test func columnsCountScalarsAndLinesHandleCRLF() {
        // "é" and "😀" are multi-byte in UTF-8 but one column each.
        #expect(parseError("[\"é😀\" x]") == JSONParseError(line: 1, column: 7, reason: "expected ',' or ']'"))
        #expect(parseError("[\r\n1\r\n x]") == JSONParseError(line: 3, column: 2, reason: "expected ',' or ']'"))
    }

    @Test func errorDescriptionIsLineColonColumn() {
        #expect(JSONParseError(line: 3, column: 14, reason: "expected ',' or '}'").description == "3:14: expected ',' or '}'")
    }

    @Test func rejectsDuplicateKeys() {
        #expect(parseError("{\"a\": 1,\n \"a\": 2}") == JSONParseError(line: 2, column: 2, reason: "duplicate key \"a\""))
        // The same key in different objects is fine.
        #expect((try? JSONValue.parse(#"{"a": {"a": 1}}"#)) == .object([("a", .object([("a", .number(1))]))]))
    }

    @Test func rejectsBadStrings() {
        #expect(parseError("\"abc") == JSONParseError(line: 1, column: 1, reason: "unterminated string"))
        #expect(parseError("\"a\nb\"") == JSONParseError(line: 1, column: 3, reason: "control character U+000A must be escaped in a string"))
        #expect(parseError(#"" \q""#) == JSONParseError(line: 1, column: 3, reason: #"invalid escape '\q'"#))
        #expect(parseError(#""\u12G4""#) == JSONParseError(line: 1, column: 2, reason: #"invalid \u escape: expected 4 hex digits"#))
        #expect(parseError(#""\uD83D""#) == JSONParseError(line: 1, column: 2, reason: #"unpaired surrogate \uD83D"#))
        #expect(parseError(#""\uD83Dx""#) == JSONParseError(line: 1, column: 2, reason: #"unpaired surrogate \uD83D"#))
        #expect(parseError(#""\uD83D\u0041""#) == JSONParseError(line: 1, column: 2, reason: #"unpaired surrogate \uD83D"#))
        #expect(parseError(#""\uDE00""#) == JSONParseError(line: 1, column: 2, reason: #"unpaired surrogate \uDE00"#))
    }

    @Test func bytesInput() throws {
        // A UTF-8 byte order mark is skipped.
        #expect(try JSONValue.parse(utf8: [0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .array([.number(1)]))
        // Invalid UTF-8 inside a string is rejected at the string.
        let invalid: [UInt8] = Array("[\"a".utf8) + [0xFF] + Array("\"]".utf8)
        #expect(throws: JSONParseError(line: 1, column: 2, reason: "invalid UTF-8 in string")) {
            try JSONValue.parse(utf8: invalid)
        }
        // Outside strings a non-ASCII byte is an unexpected character.
        #expect(throws: JSONParseError(line: 1, column: 1, reason: "unexpected byte 0xC3, expected a value")) {
            try JSONValue.parse(utf8: Array("é".utf8))
        }
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = JSONValue.maxNestingDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        var value = try JSONValue.parse(text)
        var levels = 0
        while case .array(let elements) = value {
            levels += 1
            value = elements.first ?? .null
        }
        #expect(levels == depth)
        // Writing and comparing such a value recurse just as deep; they must cope too.
        let written = try JSONValue.parse(text).serialized(pretty: false)
        #expect(written == text)
        #expect(try JSONValue.parse(written) == (try JSONValue.parse(text)))
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let depth = JSONValue.maxNestingDepth
        let text = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(parseError(text) == JSONParseError(line: 1, column: depth + 1, reason: "nesting deeper than 512 levels"))
        // Hostile input far deeper than the limit fails at the limit instead of overflowing the stack.
        let hostile = String(repeating: "{\"a\":", count: 200_000)
        #expect(parseError(hostile) == JSONParseError(line: 1, column: 5 * 512 + 1, reason: "nesting deeper than 512 levels"))
    }
}
